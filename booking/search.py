"""Free-slot search: the free slots an organisation may book, across the practices it pools
with, in start order, a page at a time.

Search is one query on `slot_free_by_start`: free slots in start order, filtered by the
pooled practices and by the searcher's audience's release window, stored on each slot.
Slots whose rules name organisations are checked one by one against the release rules.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import connection, connections
from django.db.models import Q
from django.utils import timezone

from booking.models import Audience, DeliveryChannel, Slot
from booking.release_rules import stored
from booking.selectors import pooled_practice_ids
from core.paging import PAGE_SIZE
from core.replica import read_alias
from governance.audit import Actor
from practices.models import Clinician, Organisation, clinician_name


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
    """Open to the audience now, by the window stored on each slot; a practice's own slots
    are its own, whenever."""
    if audience == Audience.PRACTICE:
        return Q()
    opens, closes = stored.AUDIENCE_COLUMNS[audience]
    return Q(**{f"{opens}__lte": now, f"{closes}__gt": now})


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
    reserved_for: str = ""

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
    "reserved_for",
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


def _free_slots(rows: list[tuple]) -> list[FreeSlot]:
    """A page's rows as FreeSlots; the practice, site and clinician each made once for the
    page (a 14-day result has thousands of slots and a few hundred of those)."""
    practices: dict[int, PracticeRef] = {}
    sites: dict[uuid.UUID, SiteRef] = {}
    clinicians: dict[uuid.UUID, ClinicianRef] = {}
    found = []
    for row in rows:
        (pk, public_id, start, end, role, channel, slot_type, restricted, session_id) = row[:9]
        reserved_for = row[9]
        (practice_id, ods_code, practice_name, site_id, site_name, postcode) = row[10:16]
        clinician_id = row[16]
        practice = practices.get(practice_id)
        if practice is None:
            practice = practices[practice_id] = PracticeRef(practice_id, ods_code, practice_name)
        site = sites.get(site_id)
        if site is None:
            site = sites[site_id] = SiteRef(site_id, site_name, postcode)
        clinician = clinicians.get(clinician_id) if clinician_id else None
        if clinician_id and clinician is None:
            clinician = clinicians[clinician_id] = ClinicianRef(clinician_id, *row[17:])
        found.append(
            FreeSlot(
                pk=pk,
                public_id=public_id,
                start=start,
                end=end,
                practice=practice,
                site=site,
                clinician=clinician,
                practitioner_role=role,
                delivery_channel=channel,
                slot_type=slot_type,
                restricted=restricted,
                session_id=session_id,
                reserved_for=reserved_for,
            )
        )
    return found


def _visible_to(organisation: Organisation, slots: list[FreeSlot], now) -> list[FreeSlot]:
    """Drop the restricted slots (named ODS codes, organisation types) the searcher may not
    see: their rules in one query, not one for each such slot."""
    sessions = {s.session_id for s in slots if s.restricted and not s.reserved_for}
    if not any(s.restricted for s in slots):
        return slots
    sees = stored.seen_by(organisation, now, stored.rules_of(sessions))
    return [
        s
        for s in slots
        if not s.restricted or sees(s.start, s.session_id, s.practice.ods_code, s.reserved_for)
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
       s.slot_type, s.restricted, s.session_id, s.reserved_for, s.practice_id, p.ods_code,
       p.name,
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
    if window := stored.AUDIENCE_COLUMNS.get(page.audience):
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
    # The replica's, inside core.replica.replica_reads, as the ORM's reads are.
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(_PAGE_SQL.format(conditions=" AND ".join(conditions)), params)
        return cursor.fetchall()


def free_slots_for(
    *,
    actor: Actor,
    start: datetime.datetime,
    end: datetime.datetime,
    filters: SlotFilters = SlotFilters(),
    limit: int = PAGE_SIZE,
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
        audience=stored.audience_for(organisation),
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
        found = _free_slots(page_rows(page, after))
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
