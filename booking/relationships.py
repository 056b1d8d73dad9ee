"""The care relationship an appointment gives: an organisation caring for a patient booked
into its clinic, or booked by it, may see them for that care though no agreement covers it
(a practice sees who the hub booked into its evening clinic). Registered with governance's
access rules when the app starts; governance reviews each one relied on."""

import datetime
import uuid
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from booking.models import Booking
from governance.access import RelationshipSource
from governance.models import Relationship
from practices.models import Organisation

# An appointment keeps the relationship for this long after it.
AFTERCARE = datetime.timedelta(days=30)


def _live_with(organisation: Organisation, now: datetime.datetime) -> QuerySet[Booking]:
    return Booking.objects.filter(
        Q(slot__practice=organisation) | Q(booking_organisation=organisation),
        start__gte=now - AFTERCARE,
    ).exclude(status=Booking.Status.CANCELLED)


def appointments_of(
    organisation: Organisation, patient_ids: Iterable[int], now: datetime.datetime
) -> dict[int, uuid.UUID]:
    """For each of these patients booked with the organisation, the booking it rests on
    (the soonest)."""
    rows = (
        _live_with(organisation, now)
        .filter(patient_id__in=list(patient_ids))
        .order_by("patient_id", "-start")
        .values_list("patient_id", "public_id")
    )
    return dict(rows)  # the last of each patient's rows, the soonest, wins


def patients_booked_with(organisation: Organisation, now: datetime.datetime) -> QuerySet:
    return _live_with(organisation, now).values("patient")


APPOINTMENT = RelationshipSource(
    kind=Relationship.Kind.APPOINTMENT,
    reason="patient is booked with us",
    references=appointments_of,
    patients=patients_booked_with,
    lasts=AFTERCARE,
)
