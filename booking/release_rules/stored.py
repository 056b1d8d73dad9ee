"""The release rules applied to what is stored: sessions' `ReleaseRule` rows, slots, and the
organisations that search and book.

Each slot stores, per audience, the window in which it is open; search filters on those
columns. Slots whose rules name ODS codes or organisation types are marked `restricted`
and checked one by one. Booking always asks the pure rules again, under the session lock,
with the quota counts. Search and booking see an organisation as the same searcher
(`searcher_for`), so a slot search offers is one booking accepts.
"""

import datetime
import json
from collections.abc import Callable, Iterable

from django.db import connection

from booking.models import Audience, Booking, ReleaseRule, Session, Slot
from booking.release_rules import decisions, terms
from core.db import prepared_cursor
from core.time import london_date, london_day_end, london_day_start
from practices.models import Organisation

AUDIENCE_COLUMNS = {
    Audience.HUB: ("hub_opens_at", "hub_closes_at"),
    Audience.URGENT_CARE: ("urgent_care_opens_at", "urgent_care_closes_at"),
    Audience.ONLINE: ("online_opens_at", "online_closes_at"),
}
_LONG_AGO = datetime.timedelta(days=3650)
RELEASE_COLUMNS = (*(c for pair in AUDIENCE_COLUMNS.values() for c in pair), "restricted")

# Which audience each kind of organisation searches and books as. Practices book their own
# slots (and other practices' through the hub); urgent care (A&E, out of hours and NHS 111,
# one audience so search keeps one set of release columns) has releases of its own; every
# other partner (care homes, community services) books as the hub does: through a booking
# agreement, into slots released to the hub.
_AUDIENCE_OF_KIND = {
    Organisation.Kind.GP_PRACTICE: Audience.PRACTICE,
    Organisation.Kind.HUB: Audience.HUB,
    Organisation.Kind.URGENT_CARE: Audience.URGENT_CARE,
    Organisation.Kind.OUT_OF_HOURS: Audience.URGENT_CARE,
    Organisation.Kind.NHS_111: Audience.URGENT_CARE,
    Organisation.Kind.CARE_HOME: Audience.HUB,
    Organisation.Kind.COMMUNITY: Audience.HUB,
}


def audience_for(organisation: Organisation) -> Audience:
    """The audience an organisation searches and books as: one answer for both."""
    return _AUDIENCE_OF_KIND.get(organisation.kind, Audience.HUB)


# A patient booking for themselves online, through their practice's hub.
PATIENT_ONLINE = terms.Searcher(audience=terms.Audience.ONLINE, organisation_type="patient")


def searcher_for(organisation: Organisation) -> terms.Searcher:
    """The organisation as the rules see it: its audience, ODS code and kind."""
    return terms.Searcher(
        audience=terms.Audience(audience_for(organisation)),
        ods_code=organisation.ods_code,
        organisation_type=organisation.kind,
    )


def as_release(row: ReleaseRule) -> terms.Release:
    """A stored rule in the pure rules' terms."""
    if row.opens == ReleaseRule.Opens.BEFORE_START:
        opening = terms.OpensBefore(datetime.timedelta(minutes=row.opens_minutes_before or 0))
    elif row.opens == ReleaseRule.Opens.ON_DAY:
        opening = terms.OpensOnDay(
            days_before=row.opens_days_before or 0, at=row.opens_time or datetime.time(0)
        )
    else:
        opening = None
    return terms.Release(
        audience=terms.Audience(row.audience),
        opens=opening,
        cut_off=datetime.timedelta(minutes=row.cut_off_minutes),
        ods_codes=frozenset(row.ods_codes),
        organisation_types=frozenset(row.organisation_types),
        quota_per_session=row.quota_per_session,
        quota_per_day=row.quota_per_day,
    )


# A slot reserved for an organisation type (the daily NHS 111 reservation) is released by
# its reservation, not its session's rules: to urgent care services of that type from now,
# and, still free this long before it starts, to every urgent care service, so that an
# unused reservation is not wasted.
RESERVATION_HANDED_ON_MINUTES = 120


def reserved_rules(organisation_type: str) -> list[ReleaseRule]:
    return [
        ReleaseRule(
            audience=Audience.URGENT_CARE,
            opens=ReleaseRule.Opens.PUBLISHED,
            cut_off_minutes=0,
            ods_codes=[],
            organisation_types=[organisation_type],
        ),
        ReleaseRule(
            audience=Audience.URGENT_CARE,
            opens=ReleaseRule.Opens.BEFORE_START,
            opens_minutes_before=RESERVATION_HANDED_ON_MINUTES,
            cut_off_minutes=0,
            ods_codes=[],
            organisation_types=[],
        ),
    ]


def rules_for(slot: Slot, session_rules: Iterable[ReleaseRule]) -> list[ReleaseRule]:
    """The rules a slot is released by: its reservation's, or its session's."""
    return reserved_rules(slot.reserved_for) if slot.reserved_for else list(session_rules)


def slot_facts(
    *,
    start: datetime.datetime,
    practice_ods: str,
    rules: Iterable[ReleaseRule],
    blocked: bool = False,
) -> terms.SlotFacts:
    """What the pure rules need to know about a slot with these stored rules."""
    return terms.SlotFacts(
        start=start,
        practice_ods=practice_ods,
        blocked=blocked,
        rules=tuple(as_release(row) for row in rules),
    )


def release_columns(rules: Iterable[ReleaseRule], start: datetime.datetime) -> dict:
    """The per-audience windows (and the restricted flag) to store on a slot."""
    slot = slot_facts(start=start, practice_ods="", rules=rules)
    columns: dict = {"restricted": False}
    for audience, (opens_column, closes_column) in AUDIENCE_COLUMNS.items():
        window = decisions.release_window(slot, terms.Audience(audience))
        # "Open as soon as published" comes back as the beginning of time; store a date
        # that every database and every timezone conversion can hold.
        columns[opens_column] = max(window.opens, start - _LONG_AGO) if window else None
        columns[closes_column] = window.closes if window else None
        if window is not None and not window.exact:
            columns["restricted"] = True
    return columns


# A rule's columns, as rule_from_row takes them (booking reads them with its lock).
RULE_COLUMNS = (
    "id",
    "audience",
    "opens",
    "opens_minutes_before",
    "opens_days_before",
    "opens_time",
    "cut_off_minutes",
    "ods_codes",
    "organisation_types",
    "quota_per_session",
    "quota_per_day",
)
_JSON_COLUMNS = {"ods_codes", "organisation_types"}


def rules_of(session_ids: Iterable[int]) -> list[ReleaseRule]:
    """The rules of these sessions as committed now, in one prepared statement (every
    booking and most pages of search read some), in session and then rule order."""
    keys = sorted(set(session_ids))
    if not keys:
        return []
    statement = (
        f"SELECT session_id, {', '.join(RULE_COLUMNS)} FROM booking_releaserule "  # noqa: S608 (our columns)
        f"WHERE session_id IN ({', '.join(['%s'] * len(keys))}) ORDER BY session_id, id"
    )
    with prepared_cursor() as cursor:
        cursor.execute(statement, keys)
        rows = cursor.fetchall()
    return [rule_from_row(session_id, values) for session_id, *values in rows]


def rule_from_row(session_id: int, values) -> ReleaseRule:
    """A ReleaseRule from the values of RULE_COLUMNS, as the ORM would make it."""
    return ReleaseRule(
        session_id=session_id,
        **{
            column: _from_db(column, value)
            for column, value in zip(RULE_COLUMNS, values, strict=True)
        },
    )


def _from_db(column: str, value):
    """What the ORM would make of a column's value: JSON decoded, a time parsed (SQLite
    hands back text for both)."""
    if column in _JSON_COLUMNS and isinstance(value, str | bytes):
        return json.loads(value)
    if column == "opens_time" and value is not None:
        return ReleaseRule._meta.get_field("opens_time").to_python(value)
    return value


def quota_use(*, session: Session, slot: Slot, organisation: Organisation) -> terms.QuotaUse:
    """Live bookings this organisation holds in the session, and at this practice on that
    local day. Inside a transaction, it first takes a lock on the practice's day, held to
    commit, so that two bookings cannot both take the last place of a quota."""
    local_day = london_date(slot.start)
    _lock_practice_day(slot.practice_id, local_day)
    live = Booking.objects.filter(booking_organisation=organisation).exclude(
        status=Booking.Status.CANCELLED
    )
    return terms.QuotaUse(
        in_session=live.filter(slot__session=session).count(),
        on_day=live.filter(
            slot__practice_id=slot.practice_id,
            start__gte=london_day_start(local_day),
            start__lt=london_day_end(local_day),
        ).count(),
    )


# Names the advisory locks that serialise quota checks, one per practice and day.
_QUOTA_LOCK_CLASS = 4_716_002


def _lock_practice_day(practice_id: int, day: datetime.date) -> None:
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return  # SQLite (the demo) serialises writers anyway
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            [_QUOTA_LOCK_CLASS, f"{practice_id}:{day.isoformat()}"],
        )


def check_booking(
    *,
    slot: Slot,
    session: Session,
    organisation: Organisation,
    now: datetime.datetime,
    override: bool = False,
    rules: list[ReleaseRule] | None = None,
    searcher: terms.Searcher | None = None,
) -> terms.Verdict:
    """May `organisation` book the stored slot now, quotas counted? `rules`: the session's,
    if already read. `searcher`: who books for it, when not the organisation's own audience
    (patients online, through their hub)."""
    rules = rules_for(slot, rules_of([session.pk]) if rules is None else rules)
    facts = slot_facts(
        start=slot.start,
        practice_ods=slot.practice.ods_code,
        rules=rules,
        blocked=slot.status == Slot.Status.BLOCKED,
    )
    needs_counts = any(r.quota_per_session or r.quota_per_day for r in rules)
    used = (
        quota_use(session=session, slot=slot, organisation=organisation)
        if needs_counts
        else terms.QuotaUse()
    )
    searcher = searcher or searcher_for(organisation)
    return decisions.may_book(facts, searcher, now, used=used, override=override)


def seen_by(
    organisation: Organisation, now: datetime.datetime, rules: Iterable[ReleaseRule]
) -> Callable[..., bool]:
    """May this organisation see these sessions' slots in search, now? For a page of search:
    each session's rules become releases once. The answer takes a slot's start, its
    session's id, its practice's ODS code and what it is reserved for, if anything."""
    searcher = searcher_for(organisation)
    by_session: dict[int, list[terms.Release]] = {}
    for row in rules:
        by_session.setdefault(row.session_id, []).append(as_release(row))
    releases = {session: tuple(found) for session, found in by_session.items()}

    reserved: dict[str, tuple[terms.Release, ...]] = {}

    def sees(
        start: datetime.datetime, session_id: int, practice_ods: str, reserved_for: str = ""
    ) -> bool:
        if reserved_for:
            if reserved_for not in reserved:
                reserved[reserved_for] = tuple(map(as_release, reserved_rules(reserved_for)))
            rules = reserved[reserved_for]
        else:
            rules = releases.get(session_id, ())
        slot = terms.SlotFacts(start=start, practice_ods=practice_ods, rules=rules)
        return decisions.may_see(slot, searcher, now).allowed

    return sees


def describe_rules(rules: Iterable[ReleaseRule]) -> list[str]:
    """Each rule in words, for the diary: "Released to urgent care from 8am on the day"."""
    return [as_release(row).describe() for row in rules]
