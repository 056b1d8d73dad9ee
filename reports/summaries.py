"""Keeping the summary tables: each run recounts a window of days from the slots and
bookings, replacing what it held for those days, in one transaction, so a report never
reads half a day. A run every quarter of an hour recounts the recent past and the weeks
ahead, where bookings and outcomes change; a nightly run recounts the past year, for late
outcomes and corrections."""

import datetime
from collections import Counter

from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, FilteredRelation, Q, Sum
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from booking.appointment_data import lead_time_band
from booking.models import Booking, Session, Slot
from core.time import LONDON, london_date, london_day_end, london_day_start
from reports.models import BookingSummary, SlotSummary, SummaryRefresh

RECENT_DAYS_BACK = 14
RECENT_DAYS_AHEAD = 90
YEAR_BACK = 400
BATCH = 5_000
LIVE = (
    Booking.Status.BOOKED,
    Booking.Status.ARRIVED,
    Booking.Status.ATTENDED,
    Booking.Status.DID_NOT_ATTEND,
)


def refresh_recent(now: datetime.datetime | None = None) -> int:
    today = london_date(now or timezone.now())
    return refresh(
        today - datetime.timedelta(days=RECENT_DAYS_BACK),
        today + datetime.timedelta(days=RECENT_DAYS_AHEAD),
        now=now,
    )


def refresh_year(now: datetime.datetime | None = None) -> int:
    today = london_date(now or timezone.now())
    return refresh(
        today - datetime.timedelta(days=YEAR_BACK),
        today + datetime.timedelta(days=RECENT_DAYS_AHEAD),
        now=now,
    )


@transaction.atomic
def refresh(
    first_day: datetime.date, last_day: datetime.date, *, now: datetime.datetime | None = None
) -> int:
    """Recount the days from `first_day` to `last_day` (London); returns the rows written."""
    now = now or timezone.now()
    state, _ = SummaryRefresh.objects.get_or_create(pk=1)
    state = SummaryRefresh.objects.select_for_update().get(pk=state.pk)  # one run at a time
    days = {"day__gte": first_day, "day__lte": last_day}
    SlotSummary.objects.filter(**days).delete()
    BookingSummary.objects.filter(**days).delete()
    window = {"start__gte": london_day_start(first_day), "start__lt": london_day_end(last_day)}
    written = _write(SlotSummary, _slot_rows(window, now))
    written += _write(BookingSummary, _booking_rows(window, london_date(now)))
    state.first_day = min(first_day, state.first_day or first_day)
    state.last_day = max(last_day, state.last_day or last_day)
    state.refreshed_at = now
    state.save()
    return written


def _write(model, rows) -> int:
    batch, written = [], 0
    for row in rows:
        batch.append(model(**row))
        if len(batch) == BATCH:
            written += len(model.objects.bulk_create(batch))
            batch = []
    return written + len(model.objects.bulk_create(batch))


def _slot_rows(window: dict, now: datetime.datetime):
    """Offered slots (published sessions, neither blocked nor withdrawn), grouped."""
    slots = (
        Slot.objects.filter(**window, session__status=Session.Status.PUBLISHED)
        .exclude(status__in=(Slot.Status.BLOCKED, Slot.Status.WITHDRAWN))
        .annotate(
            live=FilteredRelation("bookings", condition=Q(bookings__status__in=LIVE)),
            day=TruncDate("start", tzinfo=LONDON),
            hour=ExtractHour("start", tzinfo=LONDON),
        )
        .values(
            "day",
            "practice_id",
            "site_id",
            "hour",
            "practitioner_role",
            "delivery_channel",
            national_category=F("session__national_category"),
            service_setting=F("session__service_setting"),
        )
        .annotate(
            offered=Count("id"),
            length=Sum(F("end") - F("start")),
            booked=Count("live__id"),
            attended=Count(
                "id",
                filter=Q(live__status__in=(Booking.Status.ATTENDED, Booking.Status.ARRIVED)),
            ),
            did_not_attend=Count("id", filter=Q(live__status=Booking.Status.DID_NOT_ATTEND)),
            unused=Count("id", filter=Q(live__id__isnull=True, start__lt=now)),
        )
        .order_by()
    )
    for row in slots.iterator(chunk_size=BATCH):
        length = row.pop("length")
        yield {**row, "minutes": int(length.total_seconds() // 60) if length else 0}


def _booking_rows(window: dict, today: datetime.date):
    """Live bookings, grouped; the lead time in the national bands, the outcome in the
    national statuses."""
    bookings = (
        Booking.objects.filter(**window, status__in=LIVE)
        .annotate(
            day=TruncDate("start", tzinfo=LONDON),
            booked_on=TruncDate("created_at", tzinfo=LONDON),
            was_reminded=ExpressionWrapper(
                Q(reminder_sent_at__isnull=False), output_field=BooleanField()
            ),
        )
        .values(
            "day",
            "booked_on",
            "booking_organisation_id",
            "channel",
            "status",
            "was_reminded",
            practice_id=F("slot__practice_id"),
            site_id=F("slot__site_id"),
            registered_practice_id=F("patient__registered_practice_id"),
            national_category=F("slot__session__national_category"),
            service_setting=F("slot__session__service_setting"),
            practitioner_role=F("slot__practitioner_role"),
            delivery_channel=F("slot__delivery_channel"),
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    counted: Counter = Counter()
    for row in bookings.iterator(chunk_size=BATCH):
        n, booked_on, status = row.pop("n"), row.pop("booked_on"), row.pop("status")
        row["reminded"] = row.pop("was_reminded")
        row["lead_time"] = lead_time_band(booked_on, row["day"])
        row["outcome"] = _outcome(status, row["day"], today)
        counted[tuple(sorted(row.items()))] += n
    for key, n in counted.items():
        yield {**dict(key), "appointments": n}


def _outcome(status: str, day: datetime.date, today: datetime.date) -> str:
    if status in (Booking.Status.ATTENDED, Booking.Status.ARRIVED):
        return BookingSummary.Outcome.ATTENDED
    if status == Booking.Status.DID_NOT_ATTEND:
        return BookingSummary.Outcome.DID_NOT_ATTEND
    return BookingSummary.Outcome.BOOKED if day >= today else BookingSummary.Outcome.UNKNOWN
