"""What the reports read: a week's slots of a hub's practices (or one practice's), in two
queries whatever the size of the hub, as the pure `compliance` takes them; and the summary
tables, grouped one query a table."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, Sum
from django.db.models.functions import ExtractIsoWeekDay, TruncWeek

from booking.appointment_data import ServiceSetting, appointment_mode
from booking.models import Booking, Session, Slot
from core.time import london_day_end, london_day_start, to_london
from practices.models import Clinician, Organisation, Site
from reports.compliance import Compliance, SlotFacts, compliance
from reports.models import BookingSummary, SlotSummary, SummaryRefresh

_SLOT_COLUMNS = (
    "practice_id",
    "session_id",
    "start",
    "end",
    "session__practitioner_role",
    "delivery_channel",
    "hub_opens_at",
    "hub_closes_at",
    "urgent_care_opens_at",
    "online_opens_at",
    "reserved_for",
)


def _wall_clock(instant: datetime.datetime | None) -> datetime.datetime | None:
    return to_london(instant).replace(tzinfo=None) if instant is not None else None


def reporting_practices(organisation: Organisation) -> list[Organisation]:
    """The practices an organisation's reports cover: a hub's members, or the practice."""
    if organisation.is_hub:
        return list(organisation.member_practices.order_by("name"))
    return [organisation] if organisation.is_practice else []


def compliance_for(
    organisation: Organisation, monday: datetime.date
) -> tuple[list[Compliance], Compliance | None]:
    """Each practice's Enhanced Access in the week from `monday`, and the hub's together."""
    practices = reporting_practices(organisation)
    rows = (
        Slot.objects.filter(
            practice__in=practices,
            start__gte=london_day_start(monday),
            start__lt=london_day_end(monday + datetime.timedelta(days=6)),
            session__status=Session.Status.PUBLISHED,
        )
        .exclude(status__in=(Slot.Status.BLOCKED, Slot.Status.WITHDRAWN))
        .values_list(*_SLOT_COLUMNS)
    )
    slots = (
        SlotFacts(
            practice_id=practice_id,
            session_id=session_id,
            start=_wall_clock(start),
            end=_wall_clock(end),
            role=role,
            channel=channel,
            hub_opens=_wall_clock(hub_opens),
            hub_closes=_wall_clock(hub_closes),
            urgent_care=urgent_care is not None,
            online=online is not None,
            nhs111=reserved_for == "nhs-111",
        )
        for (
            practice_id,
            session_id,
            start,
            end,
            role,
            channel,
            hub_opens,
            hub_closes,
            urgent_care,
            online,
            reserved_for,
        ) in rows.iterator(chunk_size=2000)
    )
    hub = (organisation.name, organisation.ods_code) if organisation.is_hub else None
    return compliance(
        slots,
        {p.pk: (p.name, p.ods_code, p.list_size) for p in practices},
        monday=monday,
        hub=hub,
    )


# The summary tables (reports.summaries keeps them) ------------------------------------

SLOT_COUNTS = ("offered", "minutes", "booked", "attended", "did_not_attend", "unused")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Scope:
    """What a report covers: some practices (a hub's, or one), perhaps one site, some days."""

    practices: tuple[Organisation, ...]
    first_day: datetime.date
    last_day: datetime.date
    site: Site | None = None

    @property
    def names(self) -> dict[int, str]:
        return {p.pk: p.name for p in self.practices}

    def filter(self, queryset, *, practice_field: str = "practice"):
        queryset = queryset.filter(
            **{f"{practice_field}__in": [p.pk for p in self.practices]},
            day__gte=self.first_day,
            day__lte=self.last_day,
        )
        return queryset.filter(site=self.site) if self.site else queryset


def refreshed_at() -> datetime.datetime | None:
    return SummaryRefresh.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()


def slots_by(scope: Scope, by: str) -> list[tuple[str, dict[str, int]]]:
    """Slot counts grouped by practice, site, category, role, weekday, hour or week."""
    grouping = {
        "practice": F("practice_id"),
        "site": F("site_id"),
        "category": F("national_category"),
        "setting": F("service_setting"),
        "role": F("practitioner_role"),
        "mode": F("delivery_channel"),
        "weekday": ExtractIsoWeekDay("day"),
        "hour": F("hour"),
        "week": TruncWeek("day"),
    }[by]
    rows = (
        scope.filter(SlotSummary.objects)
        .values(key=grouping)
        .annotate(**{name: Sum(name) for name in SLOT_COUNTS})
        .order_by("key")
    )
    counted = [(row.pop("key"), row) for row in rows]
    return _labelled(scope, by, counted)


def appointments_by(scope: Scope, by: str, *, past_only: bool = False):
    """Appointment counts (all, attended, did not attend, still to come, unknown) grouped by
    practice, booking channel, lead time, reminder, booking organisation, or the patient's
    registered practice; `past_only` leaves out those still to come."""
    grouping = {
        "practice": F("practice_id"),
        "channel": F("channel"),
        "lead_time": F("lead_time"),
        "reminded": F("reminded"),
        "source": F("booking_organisation_id"),
        "registered": F("registered_practice_id"),
        "category": F("national_category"),
    }[by]
    queryset = scope.filter(BookingSummary.objects)
    if past_only:
        queryset = queryset.exclude(outcome=BookingSummary.Outcome.BOOKED)
    rows = (
        queryset.values(key=grouping)
        .annotate(
            all=Sum("appointments"),
            attended=Sum("appointments", filter=Q(outcome=BookingSummary.Outcome.ATTENDED)),
            did_not_attend=Sum(
                "appointments", filter=Q(outcome=BookingSummary.Outcome.DID_NOT_ATTEND)
            ),
            unknown=Sum("appointments", filter=Q(outcome=BookingSummary.Outcome.UNKNOWN)),
        )
        .order_by("key")
    )
    counted = [
        (row.pop("key"), {"appointments": row.pop("all"), **{k: v or 0 for k, v in row.items()}})
        for row in rows
    ]
    return _labelled(scope, by, counted)


def flows(scope: Scope) -> dict[tuple[int | None, int], int]:
    """Appointments in the scope's practices' slots, by (the patient's registered practice,
    the practice whose slot it was)."""
    rows = (
        scope.filter(BookingSummary.objects)
        .values_list("registered_practice_id", "practice_id")
        .annotate(n=Sum("appointments"))
        .order_by()
    )
    return {(registered, practice): n for registered, practice, n in rows}


def hub_slots_and_use(scope: Scope) -> tuple[dict[int, int], dict[int | None, int]]:
    """Slots each practice gave the hub (Extended Access sessions), and the appointments in
    them by each registered practice's patients."""
    hub = {"service_setting": ServiceSetting.EXTENDED_ACCESS}
    given = dict(
        scope.filter(SlotSummary.objects.filter(**hub))
        .values_list("practice_id")
        .annotate(n=Sum("offered"))
        .order_by()
    )
    used = dict(
        scope.filter(BookingSummary.objects.filter(**hub))
        .values_list("registered_practice_id")
        .annotate(n=Sum("appointments"))
        .order_by()
    )
    return given, used


def _labelled(scope: Scope, by: str, counted: list) -> list[tuple[str, dict[str, int]]]:
    """Readable labels for grouped keys (names in one query where they are organisations')."""
    if by in ("practice", "registered"):
        names = scope.names
        return [(names.get(key, "Practices outside the hub"), c) for key, c in counted]
    if by == "source":
        names = dict(
            Organisation.objects.filter(pk__in=[k for k, _ in counted]).values_list("pk", "name")
        )
        return [(names.get(key, "Unknown"), c) for key, c in counted]
    if by == "site":
        names = dict(Site.objects.filter(pk__in=[k for k, _ in counted]).values_list("pk", "name"))
        return [(names.get(key, "Unknown"), c) for key, c in counted]
    label = {
        "role": lambda k: Clinician.JobRole(k).label if k in Clinician.JobRole.values else k,
        "mode": appointment_mode,
        "weekday": lambda k: WEEKDAYS[k - 1],
        "hour": lambda k: f"{k:02d}:00 to {k:02d}:59",
        "week": lambda k: f"Week of {k:%-d %b %Y}",
        "channel": lambda k: Booking.Channel(k).label if k in Booking.Channel.values else k,
        "reminded": lambda k: "Reminder sent" if k else "No reminder",
    }.get(by, str)
    return [(label(key), c) for key, c in counted]
