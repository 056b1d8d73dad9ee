"""Reads for the hub diary: which practices pool with whom, free-slot search, diaries.

Search is one query on `slot_free_by_start`: free slots in start order, filtered by the
pooled practices and by the searcher's audience's release window, stored on each slot.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from booking import releases
from booking.models import Audience, Booking, DeliveryChannel, Slot
from core.db import CompiledLookup, prepared_cursor
from governance.access import active_agreement_sql, active_agreements
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


# Search's first step, written out: the ORM's version of this small query cost twice what
# the database takes to run it. `_pooling_agreements` is the definition (a test holds the
# two equal); the agreements are active as governance.access.active_agreements says.
_POOLED_SQL = """
SELECT a.practice_id
FROM governance_sharingagreement a
JOIN practices_organisation p ON p.id = a.practice_id
WHERE a.partner_id = %s AND p.kind = %s AND {active}
"""
_HUB_MEMBERS_ONLY = """
  AND a.practice_id IN (
    SELECT to_organisation_id FROM practices_organisation_member_practices
    WHERE from_organisation_id = %s
  )
"""


def pooled_practice_ids(organisation: Organisation) -> list[int]:
    """`pooled_practices`' keys, in one query on the agreements."""
    if organisation.is_practice:
        return [organisation.pk]
    active, values = active_agreement_sql("a", Scope.BOOKING)
    sql = _POOLED_SQL.format(active=active)
    params = [organisation.pk, Organisation.Kind.GP_PRACTICE, *values]
    if organisation.is_hub:
        sql += _HUB_MEMBERS_ONLY
        params.append(organisation.pk)
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        return sorted({practice_id for (practice_id,) in cursor.fetchall()})


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
    session_id: int | None

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
    "session_id",
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
    (pk, public_id, start, end, role, channel, slot_type, restricted, session_id) = row[:9]
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
        session_id=session_id,
    )


def _visible_to(organisation: Organisation, slots: list[FreeSlot], now) -> list[FreeSlot]:
    """Drop the restricted slots (named ODS codes, organisation types) the searcher may not
    see: their rules in one query, not one for each such slot."""
    sessions = {s.session_id for s in slots if s.restricted}
    if not sessions:
        return slots
    sees = releases.seen_by(organisation, now, releases.rules_of(sessions))
    return [
        s for s in slots if not s.restricted or sees(s.start, s.session_id, s.practice.ods_code)
    ]


@dataclass(frozen=True)
class _Page:
    """One page of a search, as both ways of reading it take it."""

    practices: list[int]
    audience: str
    now: datetime.datetime
    start: datetime.datetime
    end: datetime.datetime
    filters: SlotFilters
    limit: int


def _page_rows_orm(page: _Page, after: tuple[datetime.datetime, int] | None) -> list[tuple]:
    """The page's rows (_FREE_SLOT_COLUMNS), by the ORM: the definition of search, and how
    it runs on databases other than PostgreSQL."""
    filters = page.filters
    wanted = {
        "status": Slot.Status.FREE,
        "practice_id__in": page.practices,
        "start__gte": page.start,
        "start__lt": page.end,
        "site_id__in": filters.sites,
        "practitioner_role__in": filters.practitioner_roles,
        "delivery_channel__in": filters.delivery_channels,
        "slot_type__in": filters.slot_types,
        "start__iso_week_day__in": filters.weekdays,
        "start__time__gte": filters.from_time,
        "start__time__lt": filters.to_time,
    }
    conditions = [_released_to(page.audience, page.now)]
    if after is not None:
        after_start, after_id = after
        conditions.append(Q(start__gt=after_start) | Q(start=after_start, id__gt=after_id))
    # One filter() call: each call copies the query.
    candidates = Slot.objects.filter(
        *conditions, **{lookup: value for lookup, value in wanted.items() if value}
    )
    keys = candidates.order_by("start", "id").values("id")[: page.limit]
    return list(
        Slot.objects.filter(id__in=keys).order_by("start", "id").values_list(*_FREE_SLOT_COLUMNS)
    )


# The same statement written out for PostgreSQL, where search runs in production: building
# and compiling the ORM's version cost more than PostgreSQL takes to run it. A test holds the
# two equal over every filter.
_PAGE_SQL = """
SELECT s.id, s.public_id, s.start, s."end", s.practitioner_role, s.delivery_channel,
       s.slot_type, s.restricted, s.session_id, s.practice_id, p.ods_code, p.name,
       site.public_id, site.name, site.postcode,
       c.public_id, c.title, c.given_name, c.family_name, c.gender
FROM booking_slot s
JOIN practices_organisation p ON p.id = s.practice_id
JOIN practices_site site ON site.id = s.site_id
LEFT JOIN practices_clinician c ON c.id = s.clinician_id
WHERE s.id IN (
    SELECT id FROM booking_slot
    WHERE status = 'free' AND {conditions}
    ORDER BY start, id
    LIMIT %s
)
ORDER BY s.start, s.id
"""


def _page_rows_sql(page: _Page, after: tuple[datetime.datetime, int] | None) -> list[tuple]:
    """_page_rows_orm's statement, on PostgreSQL."""
    filters = page.filters
    # Arrays are cast to the column's type: psycopg sends small integers as smallint, and
    # comparing bigint with smallint elements cost a third of the query's time.
    conditions = ["practice_id = ANY(%s::bigint[])", "start >= %s", "start < %s"]
    params: list = [list(page.practices), page.start, page.end]
    if window := releases.AUDIENCE_COLUMNS.get(page.audience):
        conditions += [f"{window[0]} <= %s", f"{window[1]} > %s"]
        params += [page.now, page.now]
    for column, values, of_type in (
        ("site_id", filters.sites, "bigint"),
        ("practitioner_role", filters.practitioner_roles, "varchar"),
        ("delivery_channel", filters.delivery_channels, "varchar"),
        ("slot_type", filters.slot_types, "varchar"),
    ):
        if values:
            conditions.append(f"{column} = ANY(%s::{of_type}[])")
            params.append(list(values))
    # Weekdays and times of day are the practice's, in the current time zone.
    zone = timezone.get_current_timezone_name()
    if filters.weekdays:
        conditions.append("EXTRACT(ISODOW FROM start AT TIME ZONE %s) = ANY(%s::numeric[])")
        params += [zone, list(filters.weekdays)]
    if filters.from_time:
        conditions.append("(start AT TIME ZONE %s)::time >= %s")
        params += [zone, filters.from_time]
    if filters.to_time:
        conditions.append("(start AT TIME ZONE %s)::time < %s")
        params += [zone, filters.to_time]
    if after is not None:
        conditions.append("(start, id) > (%s, %s)")
        params += list(after)
    params.append(page.limit)
    with connection.cursor() as cursor:
        cursor.execute(_PAGE_SQL.format(conditions=" AND ".join(conditions)), params)
        return cursor.fetchall()


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
    now = timezone.now()
    practices = pooled_practice_ids(organisation)
    if filters.practices:
        practices = [pk for pk in practices if pk in filters.practices]
    if not practices:
        return []
    page = _Page(
        practices=practices,
        audience=audience_for(organisation),
        now=now,
        start=max(start, now),
        end=end,
        filters=filters,
        limit=limit,
    )
    page_rows = _page_rows_sql if connection.vendor == "postgresql" else _page_rows_orm

    # One statement, two steps: the page's keys come from an index-only scan of
    # slot_free_by_start, which carries the practice and the release windows, so only
    # the page's own rows are read from the table (PostgreSQL before 17 cannot use the
    # practice list inside the index and keep start order; filtering heap rows instead
    # read thousands of other hubs' slots per page). Then those rows, with their joins.
    def rows(after) -> tuple[list[FreeSlot], list[FreeSlot]]:
        found = [_free_slot(row) for row in page_rows(page, after)]
        return _visible_to(organisation, found, now), found

    # Up to twice `limit` candidates are looked at, as many restricted slots may be hidden;
    # the second half only when the first hid one.
    visible, first = rows(after)
    if len(visible) < limit and len(first) == limit:
        last = first[-1]
        more, _ = rows((last.start, last.pk))
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
    rules are checked again, under lock, when booking.

    The slot by its key, then its practice checked against the pooled practices' keys: two
    small statements, where one joining the agreements cost PostgreSQL a millisecond of
    planning on every booking."""
    try:
        slot = _SLOT_TO_BOOK.get(public_id)
    except ValidationError:  # not a UUID
        slot = None
    if slot is None or slot.practice_id not in pooled_practice_ids(actor.membership.organisation):
        raise Http404("No slot found.")
    return slot


# Every booking starts here: compiled once (see core.db), with what booking and its
# confirmation read: the practice's clinical system for the write-back, where and who.
_SLOT_TO_BOOK = CompiledLookup(
    Slot.objects.select_related("practice__clinical_system_link", "site", "clinician", "session"),
    "public_id",
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
