"""The month's appointments in the shape of the national GP appointments data (GPAD): one
row per practice, service setting, national category, healthcare professional type, mode,
time from booking to appointment and status, with its count. It is what the national
collection takes from a practice's own system: exact counts, and no patient in it."""

import datetime
from collections import Counter

from django.db.models import Sum

from booking.appointment_data import appointment_mode, hcp_type
from practices.models import Organisation
from reports.models import BookingSummary

FIELDS = (
    "APPOINTMENT_MONTH_START_DATE",
    "GP_CODE",
    "GP_NAME",
    "SERVICE_SETTING",
    "NATIONAL_CATEGORY",
    "HCP_TYPE",
    "APPT_MODE",
    "TIME_BETWEEN_BOOK_AND_APPT",
    "APPT_STATUS",
    "COUNT_OF_APPOINTMENTS",
)


def month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def monthly_extract(practices: list[Organisation], month: datetime.date) -> list[tuple]:
    """The rows of the month's extract (after the header, FIELDS), in a stable order."""
    first, last = month_of(month)
    rows = (
        BookingSummary.objects.filter(practice__in=practices, day__gte=first, day__lte=last)
        .values_list(
            "practice_id",
            "service_setting",
            "national_category",
            "practitioner_role",
            "delivery_channel",
            "lead_time",
            "outcome",
        )
        .annotate(n=Sum("appointments"))
        .order_by()
    )
    counted: Counter = Counter()
    for practice_id, setting, category, role, channel, lead_time, outcome, n in rows:
        counted[
            (
                practice_id,
                setting,
                category,
                hcp_type(role),
                appointment_mode(channel),
                lead_time,
                outcome,
            )
        ] += n
    by_pk = {p.pk: p for p in practices}
    start = first.strftime("%d%b%Y").upper()
    return sorted(
        (start, by_pk[key[0]].ods_code, by_pk[key[0]].name, *key[1:], n)
        for key, n in counted.items()
    )
