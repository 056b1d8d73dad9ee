"""Reads for the hub diary: which practices pool with whom, free-slot search, diaries.

Search is one query on `slot_free_by_start`: free slots in start order, filtered by the
pooled practices and by the searcher's audience's release window, stored on each slot.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from booking import releases
from booking.models import Audience, Booking, DeliveryChannel, ReleaseRule, Slot
from governance.access import active_agreements
from governance.audit import Actor
from governance.models import Scope
from practices.models import Clinician, Organisation, clinician_name


def audience_for(organisation: Organisation) -> str:
    return {
        Organisation.Kind.HUB: Audience.HUB,
        Organisation.Kind.URGENT_CARE: Audience.URGENT_CARE,
        Organisation.Kind.GP_PRACTICE: Audience.PRACTICE,
    }.get(organisation.kind, Audience.HUB)


def _pooling_agreements(organisation: Organisation) -> QuerySet:
    """Active booking agreements with practices (for a hub, its members) that let this
    organisation book their slots."""
    agreed = active_agreements(partner=organisation, scope=Scope.BOOKING).filter(
        practice__kind=Organisation.Kind.GP_PRACTICE
    )
    if organisation.is_hub:
        agreed = agreed.filter(practice__hubs=organisation)
    return agreed


def pooled_practices(organisation: Organisation) -> QuerySet[Organisation]:
    """The practices whose slots this organisation may book: its own if it is a practice;
    otherwise those with an active booking agreement with it (and, for a hub, members)."""
    if organisation.is_practice:
        return Organisation.objects.filter(pk=organisation.pk)
    agreed = _pooling_agreements(organisation).values("practice")
    return Organisation.objects.filter(pk__in=agreed).order_by("name")


def pooled_practice_ids(organisation: Organisation) -> list[int]:
    """`pooled_practices`' keys, in one query on the agreements (search's first step)."""
    if organisation.is_practice:
        return [organisation.pk]
    return sorted(set(_pooling_agreements(organisation).values_list("practice_id", flat=True)))


@dataclass(frozen=True)
class SlotFilters:
    """What a receptionist narrows a search by. Empty means any."""

    practices: tuple[int, ...] = ()
    sites: tuple[int, ...] = ()
    practitioner_roles: tuple[str, ...] = ()
    delivery_channels: tuple[str, ...] = ()
    slot_types: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = field(default=())  # ISO: 1 Monday … 7 Sunday
    from_time: datetime.time | None = None
    to_time: datetime.time | None = None


def _released_to(audience: str, now: datetime.datetime) -> Q:
    if audience == Audience.PRACTICE:
        return Q()
    prefix = {Audience.HUB: "hub", Audience.URGENT_CARE: "urgent_care", Audience.ONLINE: "online"}[
        audience
    ]
    return Q(**{f"{prefix}_opens_at__lte": now, f"{prefix}_closes_at__gt": now})


@dataclass(frozen=True, slots=True)
class PracticeRef:
    id: int
    ods_code: str
    name: str


@dataclass(frozen=True, slots=True)
class SiteRef:
    public_id: uuid.UUID
    name: str
    postcode: str


@dataclass(frozen=True, slots=True)
class ClinicianRef:
    public_id: uuid.UUID
    title: str
    given_name: str
    family_name: str
    gender: str

    def __str__(self) -> str:
        return clinician_name(self.title, self.given_name, self.family_name)


@dataclass(frozen=True, slots=True)
class FreeSlot:
    """A free slot as search shows it: what a receptionist chooses by, read as plain values
    (building a page of model instances with their practice, site and clinician cost
    several times the query). Attribute names are Slot's, so templates and SlotSerializer
    take either; booking loads the Slot itself, under lock."""

    pk: int
    public_id: uuid.UUID
    start: datetime.datetime
    end: datetime.datetime
    practice: PracticeRef
    site: SiteRef
    clinician: ClinicianRef | None
    practitioner_role: str
    delivery_channel: str
    slot_type: str
    restricted: bool
    schedule_id: int | None

    @property
    def clinician_id(self) -> uuid.UUID | None:
        return self.clinician.public_id if self.clinician else None

    def get_practitioner_role_display(self) -> str:
        return _ROLE_LABELS.get(self.practitioner_role, self.practitioner_role)

    def get_delivery_channel_display(self) -> str:
        return _CHANNEL_LABELS.get(self.delivery_channel, self.delivery_channel)


_ROLE_LABELS = dict(Clinician.JobRole.choices)
_CHANNEL_LABELS = dict(DeliveryChannel.choices)
_FREE_SLOT_COLUMNS = (
    "id",
    "public_id",
    "start",
    "end",
    "practitioner_role",
    "delivery_channel",
    "slot_type",
    "restricted",
    "schedule_id",
    "practice_id",
    "practice__ods_code",
    "practice__name",
    "site__public_id",
    "site__name",
    "site__postcode",
    "clinician__public_id",
    "clinician__title",
    "clinician__given_name",
    "clinician__family_name",
    "clinician__gender",
)


def _free_slot(row: tuple) -> FreeSlot:
    (pk, public_id, start, end, role, channel, slot_type, restricted, schedule_id) = row[:9]
    (practice_id, ods_code, practice_name, site_id, site_name, postcode) = row[9:15]
    clinician_id, title, given_name, family_name, gender = row[15:]
    return FreeSlot(
        pk=pk,
        public_id=public_id,
        start=start,
        end=end,
        practice=PracticeRef(practice_id, ods_code, practice_name),
        site=SiteRef(site_id, site_name, postcode),
        clinician=ClinicianRef(clinician_id, title, given_name, family_name, gender)
        if clinician_id
        else None,
        practitioner_role=role,
        delivery_channel=channel,
        slot_type=slot_type,
        restricted=restricted,
        schedule_id=schedule_id,
    )


def _visible_to(organisation: Organisation, slots: list[FreeSlot], now) -> list[FreeSlot]:
    """Drop the restricted slots (named ODS codes, organisation types) the searcher may not
    see: their rules in one query, not one for each such slot."""
    schedules = {s.schedule_id for s in slots if s.restricted}
    if not schedules:
        return slots
    rules: dict[int, list[ReleaseRule]] = {}
    for rule in ReleaseRule.objects.filter(schedule_id__in=schedules):
        rules.setdefault(rule.schedule_id, []).append(rule)
    return [
        s
        for s in slots
        if not s.restricted
        or releases.may_see(
            start=s.start,
            practice_ods=s.practice.ods_code,
            rules=rules.get(s.schedule_id, ()),
            organisation=organisation,
            now=now,
        )
    ]


def free_slots_for(
    *,
    actor: Actor,
    start: datetime.datetime,
    end: datetime.datetime,
    filters: SlotFilters = SlotFilters(),
    limit: int = 50,
    after: tuple[datetime.datetime, int] | None = None,
) -> list[FreeSlot]:
    """Free slots the acting organisation may book, in start order, a page at a time.

    `after` is the (start, id) of the last slot on the previous page (keyset pagination:
    the hundredth page costs what the first does)."""
    organisation = actor.membership.organisation
    audience = audience_for(organisation)
    now = timezone.now()
    practices = pooled_practice_ids(organisation)
    if filters.practices:
        practices = [pk for pk in practices if pk in filters.practices]
    if not practices:
        return []
    # One filter() call: each call copies the query, and search is hot.
    wanted = {
        "status": Slot.Status.FREE,
        "practice_id__in": practices,
        "start__gte": max(start, now),
        "start__lt": end,
        "site_id__in": filters.sites,
        "practitioner_role__in": filters.practitioner_roles,
        "delivery_channel__in": filters.delivery_channels,
        "slot_type__in": filters.slot_types,
        "start__iso_week_day__in": filters.weekdays,
        "start__time__gte": filters.from_time,
        "start__time__lt": filters.to_time,
    }
    conditions = [_released_to(audience, now)]
    if after is not None:
        after_start, after_id = after
        conditions.append(Q(start__gt=after_start) | Q(start=after_start, id__gt=after_id))
    slots = Slot.objects.filter(
        *conditions, **{lookup: value for lookup, value in wanted.items() if value}
    )

    # One statement, two steps: the page's keys come from an index-only scan of
    # slot_free_by_start, which carries the practice and the release windows, so only
    # the page's own rows are read from the table (PostgreSQL before 17 cannot use the
    # practice list inside the index and keep start order; filtering heap rows instead
    # read thousands of other hubs' slots per page). Then those rows, with their joins.
    def rows(candidates: QuerySet[Slot]) -> tuple[list[FreeSlot], list[FreeSlot]]:
        keys = candidates.order_by("start", "id").values("id")[:limit]
        found = [
            _free_slot(row)
            for row in Slot.objects.filter(id__in=keys)
            .order_by("start", "id")
            .values_list(*_FREE_SLOT_COLUMNS)
        ]
        return _visible_to(organisation, found, now), found

    # Up to twice `limit` candidates are looked at, as many restricted slots may be hidden;
    # the second half only when the first hid one.
    visible, first = rows(slots)
    if len(visible) < limit and len(first) == limit:
        last = first[-1]
        more, _ = rows(slots.filter(Q(start__gt=last.start) | Q(start=last.start, id__gt=last.pk)))
        visible += more
    return visible[:limit]


def nearest_alternatives(*, actor: Actor, slot: Slot, limit: int = 3) -> list[FreeSlot]:
    """Free slots like this one (same practitioner role and delivery channel) nearest in
    time, for when the chosen one has just been taken."""
    window = datetime.timedelta(days=7)
    candidates = free_slots_for(
        actor=actor,
        start=slot.start - window,
        end=slot.start + window,
        filters=SlotFilters(
            practitioner_roles=(slot.practitioner_role,), delivery_channels=(slot.delivery_channel,)
        ),
        limit=200,
    )
    candidates = [s for s in candidates if s.pk != slot.pk]
    candidates.sort(key=lambda s: abs((s.start - slot.start).total_seconds()))
    return candidates[:limit]


def get_slot_for_booking_or_404(*, actor: Actor, public_id) -> Slot:
    """A slot the acting organisation may book into: one of its pooled practices'. Release
    rules are checked again, under lock, when booking."""
    from django.shortcuts import get_object_or_404

    organisation = actor.membership.organisation
    return get_object_or_404(
        Slot.objects.select_related("practice", "site", "clinician", "schedule"),
        public_id=public_id,
        practice__in=pooled_practices(organisation),
    )


def bookings_into(
    practice: Organisation, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Booking]:
    """Every booking into a practice's slots in a window: what the practice must see."""
    return (
        Booking.objects.filter(slot__practice=practice, start__gte=start, start__lt=end)
        .select_related("patient", "booking_organisation", "slot__site", "slot__clinician")
        .order_by("start")
    )


def bookings_by(
    organisation: Organisation, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(booking_organisation=organisation, start__gte=start, start__lt=end)
        .select_related("patient", "slot__practice", "slot__site", "slot__clinician")
        .order_by("start")
    )


def has_live_booking_with(organisation: Organisation, patient) -> bool:
    """Is the patient booked into one of this practice's slots (not cancelled, not long
    past)? The basis on which a practice sees who a hub booked into its clinic."""
    recent = timezone.now() - datetime.timedelta(days=30)
    return (
        Booking.objects.filter(patient=patient, slot__practice=organisation, start__gte=recent)
        .exclude(status=Booking.Status.CANCELLED)
        .exists()
    )
