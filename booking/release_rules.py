"""Release rules: who may see and book a slot, from when, until when, and how many.

Pure: the standard library only, no models, database or settings. The booking service
and search call it on search *and* on book with plain facts, and it answers with a
`Verdict` whose `code` is stable for machines and whose `reason` a receptionist can read.

The matching of a searcher to a slot follows GP Connect Appointment Management's slot
availability table (GP Connect 1.2.7, "Slot availability management",
https://developer.nhs.uk/apis/gpconnect-1-2-7/appointments_slotavailabilitymanagement.html,
and nhsconnect/gpconnect `appointments_use_case_search_for_free_slots.md`):

- a slot carries a "GP Connect bookable" flag; unset, no external organisation sees it;
- an organisation-type list and an ODS-code list each restrict only where set; with both
  set the booking organisation must match both; a consumer that sends no type or no code
  gets only slots with no restriction of that kind;
- embargo ("booking window") rules, where set, apply to search as well as to booking;
- slots in the past cannot be booked.

Times: every instant is compared in UTC, so datetimes in any zone (and either side of a
clock change) compare correctly. "On the day" embargoes are reckoned in Europe/London
local time. Durations ("48 hours before") are elapsed time, so across a clock change the
wall clock shows 47 or 49 hours.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TypeAlias
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# Bounds for openings pushed beyond what datetime can hold by huge leads or cut-offs.
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


class Audience(enum.StrEnum):
    """Who is asking: the values match `booking.models.Audience`."""

    HUB = "hub"
    URGENT_CARE = "urgent-care"
    ONLINE = "online"
    PRACTICE = "practice"

    @property
    def label(self) -> str:
        """How a receptionist would name this audience in a sentence."""
        return _AUDIENCE_LABELS[self]


_AUDIENCE_LABELS = {
    Audience.HUB: "the hub",
    Audience.URGENT_CARE: "urgent care",
    Audience.ONLINE: "patients online",
    Audience.PRACTICE: "practice staff",
}


class Code(enum.StrEnum):
    """Stable machine-readable verdict codes: APIs, templates and tests match on these."""

    RELEASED = "released"
    OWN_PRACTICE = "own-practice"
    OVERRIDDEN = "overridden"
    IN_THE_PAST = "in-the-past"
    BLOCKED = "blocked"
    NOT_BOOKABLE = "not-bookable"
    NOT_RELEASED = "not-released"
    ODS_NOT_LISTED = "ods-not-listed"
    ORG_TYPE_NOT_LISTED = "org-type-not-listed"
    EMBARGOED = "embargoed"
    CUT_OFF = "cut-off"
    QUOTA_REACHED = "quota-reached"


# What a permitted role may override: timing and quotas, never who the slot is for.
OVERRIDABLE = frozenset({Code.EMBARGOED, Code.CUT_OFF, Code.QUOTA_REACHED})

# When several rules refuse, tell the searcher about the one closest to letting them in.
_REFUSAL_RANK = {
    Code.QUOTA_REACHED: 0,
    Code.EMBARGOED: 1,
    Code.CUT_OFF: 2,
    Code.ODS_NOT_LISTED: 3,
    Code.ORG_TYPE_NOT_LISTED: 4,
}


@dataclass(frozen=True)
class OpensBefore:
    """An embargo that lifts a fixed elapsed time before the start ("from 48 hours before")."""

    lead: timedelta

    def instant(self, start: datetime) -> datetime:
        """The moment the embargo lifts for a slot starting at `start`."""
        return _minus(_utc(start, "start"), self.lead)

    def describe(self) -> str:
        """The embargo in words, to follow "Released to urgent care"."""
        if self.lead < timedelta(0):
            return f"from {_duration(self.lead)} after the start"
        return f"from {_duration(self.lead)} before the start"


@dataclass(frozen=True)
class OpensOnDay:
    """An embargo that lifts at a local time on, or some days before, the slot's own day.

    `OpensOnDay()` is "on the day" (from local midnight); `OpensOnDay(at=time(8))` is
    "from 8am on the day"; `OpensOnDay(days_before=2)` is "from midnight two days before".
    A time the clocks skip is read with the offset before the change, so it lands after
    the jump; a time that happens twice opens at its first occurrence.
    """

    days_before: int = 0
    at: time = time(0)

    def instant(self, start: datetime) -> datetime:
        """The moment the embargo lifts for a slot starting at `start`."""
        local_day = _to_london(_utc(start, "start")).date()
        try:
            day = local_day - timedelta(days=self.days_before)
            return datetime.combine(day, self.at.replace(tzinfo=None), LONDON).astimezone(UTC)
        except OverflowError:
            return _EARLIEST if self.days_before > 0 else _LATEST

    def describe(self) -> str:
        """The embargo in words, to follow "Released to urgent care"."""
        clock = _clock(self.at)
        if self.days_before == 0:
            return f"from {clock} on the day"
        if self.days_before == 1:
            return f"from {clock} the day before"
        if self.days_before == -1:
            return f"from {clock} the day after"
        if self.days_before < 0:
            return f"from {clock} {-self.days_before} days after"
        return f"from {clock} {self.days_before} days before"


Opening: TypeAlias = OpensBefore | OpensOnDay


@dataclass(frozen=True)
class ReleaseRule:
    """Releases a slot to one audience, optionally only to some organisations, for a window.

    `opens` is the embargo (None: open as soon as published); `cut_off` closes bookings that
    long before the start; `ods_codes` and `organisation_types` restrict only where set;
    quotas cap the bookings one organisation already holds in the session or on the day.
    Rules for the PRACTICE audience have no effect: the owning practice may always book.
    """

    audience: Audience
    opens: Opening | None = None
    cut_off: timedelta = timedelta(0)
    ods_codes: frozenset[str] = frozenset()
    organisation_types: frozenset[str] = frozenset()
    quota_per_session: int | None = None
    quota_per_day: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "audience", Audience(self.audience))
        codes = {_ods(code) for code in _strings(self.ods_codes)}
        types = {_org_type(kind) for kind in _strings(self.organisation_types)}
        object.__setattr__(self, "ods_codes", frozenset(code for code in codes if code))
        object.__setattr__(self, "organisation_types", frozenset(kind for kind in types if kind))

    def describe(self) -> str:
        """The rule in a receptionist's words: "Released to urgent care from 8am on the day"."""
        when = f" {self.opens.describe()}" if self.opens is not None else ""
        return f"Released to {self.audience.label}{when}"


@dataclass(frozen=True)
class Searcher:
    """Who is searching or booking: their audience and their organisation's ODS code and type.

    `organisation_type` is a GP Connect organisation-type code such as "urgent-care".
    A PRACTICE searcher is the owning practice's staff only when `ods_code` is the slot's.
    """

    audience: Audience
    ods_code: str | None = None
    organisation_type: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "audience", Audience(self.audience))
        object.__setattr__(self, "ods_code", _ods(self.ods_code) or None)
        object.__setattr__(self, "organisation_type", _org_type(self.organisation_type) or None)


@dataclass(frozen=True)
class SlotFacts:
    """What the rules need to know about one slot; `start` must be timezone-aware.

    `bookable` is GP Connect's flag: False keeps the slot inside its own practice.
    `blocked` is the practice taking the slot out of use: nobody may book it.
    """

    start: datetime
    practice_ods: str
    bookable: bool = True
    blocked: bool = False
    rules: tuple[ReleaseRule, ...] = ()

    def __post_init__(self) -> None:
        _require_aware(self.start, "SlotFacts.start")
        object.__setattr__(self, "practice_ods", _ods(self.practice_ods))
        object.__setattr__(self, "rules", tuple(self.rules))


@dataclass(frozen=True)
class QuotaUse:
    """Live bookings the searcher's organisation already holds in the slot's session and day.

    The caller counts them under the same row lock it books under.
    """

    in_session: int = 0
    on_day: int = 0


@dataclass(frozen=True)
class Verdict:
    """The answer: allowed or not, a stable `code`, and a plain-English `reason`.

    `overridden` names the refusal an override lifted (only when `code` is OVERRIDDEN), so
    the audit trail can say which rule was set aside.
    """

    allowed: bool
    code: Code
    reason: str
    overridden: Code | None = None


@dataclass(frozen=True)
class ReleaseWindow:
    """When a slot is open to an audience: from `opens` until `closes` (exclusive), in UTC.

    `exact` means anyone in the audience may see the slot at any moment in the window;
    when False (a rule names ODS codes or organisation types, or the rules leave a gap)
    the window is only a pre-filter and `may_see` must decide. A rule open as soon as
    published opens at `datetime.min` in UTC: store the publication time instead if you like.
    """

    opens: datetime
    closes: datetime
    exact: bool


# Public decisions ------------------------------------------------------------------------


def may_see(
    slot: SlotFacts, searcher: Searcher, now: datetime, *, override: bool = False
) -> Verdict:
    """Whether search should show the slot to the searcher now: released to them and open.

    Quotas are not checked here; booking checks them (`may_book`).
    """
    return _decide(slot, searcher, _utc(now, "now"), used=None, override=override)


def may_book(
    slot: SlotFacts,
    searcher: Searcher,
    now: datetime,
    *,
    used: QuotaUse,
    override: bool = False,
) -> Verdict:
    """Whether the searcher may book the slot now: everything `may_see` checks, and quotas.

    `override` (the caller has checked the role and will audit the reason) lifts embargo,
    cut-off and quota, never a past, blocked or unbookable slot nor whom it is released to.
    The verdict's code is OVERRIDDEN only when the override was needed.
    """
    return _decide(slot, searcher, _utc(now, "now"), used=used, override=override)


def opens_at(slot: SlotFacts, searcher: Searcher, now: datetime) -> datetime | None:
    """The first moment from `now` on when the searcher may book, in UTC, or None.

    `now` itself when bookable already; None when it never will be. Quotas are not counted.
    Lets the UI say "bookable online from 6:30pm on Thursday" (show it in London time).
    UTC, because a London time in the repeated autumn hour never equals one in another zone.
    """
    now = _utc(now, "now")
    start = _utc(slot.start, "start")
    if now >= start or slot.blocked:
        return None
    if _is_owner(slot, searcher):
        return now
    if not slot.bookable or searcher.audience is Audience.PRACTICE:
        return None
    earliest: datetime | None = None
    for rule in slot.rules:
        if rule.audience is not searcher.audience or _filter_refusal(rule, searcher):
            continue
        opens, closes = _window(rule, start)
        candidate = max(opens, now)
        if candidate < closes and (earliest is None or candidate < earliest):
            earliest = candidate
    return earliest


def effective_rules(slot: SlotFacts, now: datetime) -> tuple[ReleaseRule, ...]:
    """The rules open at `now`: who the slot is released to at this moment (for the diary)."""
    now = _utc(now, "now")
    start = _utc(slot.start, "start")
    if now >= start or slot.blocked or not slot.bookable:
        return ()
    open_now = []
    for rule in slot.rules:
        opens, closes = _window(rule, start)
        if rule.audience is not Audience.PRACTICE and opens <= now < closes:
            open_now.append(rule)
    return tuple(open_now)


def release_window(slot: SlotFacts, audience: Audience) -> ReleaseWindow | None:
    """The span in which the slot is open to an audience, or None if never, for indexing.

    The earliest opening to the latest close over the audience's rules. Ignores `blocked`
    and the clock (those are the slot's status, checked at search time).
    """
    audience = Audience(audience)
    if not slot.bookable or audience is Audience.PRACTICE:
        return None
    start = _utc(slot.start, "start")
    rules = [rule for rule in slot.rules if rule.audience is audience]
    windows = sorted(w for w in (_window(rule, start) for rule in rules) if w[0] < w[1])
    if not windows:
        return None
    closes = windows[0][1]
    gap = False
    for opens, rule_closes in windows[1:]:
        gap = gap or opens > closes
        closes = max(closes, rule_closes)
    restricted = any(rule.ods_codes or rule.organisation_types for rule in rules)
    return ReleaseWindow(opens=windows[0][0], closes=closes, exact=not (gap or restricted))


def widen_release(
    *, lead: timedelta, to: Iterable[Audience], cut_off: timedelta = timedelta(0)
) -> tuple[ReleaseRule, ...]:
    """Rules that release an unbooked slot automatically to wider audiences `lead` before start.

    Add them to the slot's rules: "to urgent care and online at T-2h" is
    `widen_release(lead=timedelta(hours=2), to=[Audience.URGENT_CARE, Audience.ONLINE])`.
    A booked slot is not free, so the widening only ever reaches unbooked ones.
    """
    audiences = sorted({Audience(audience) for audience in to})
    return tuple(
        ReleaseRule(audience=audience, opens=OpensBefore(lead), cut_off=cut_off)
        for audience in audiences
    )


# The decision ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Refusal:
    code: Code
    rule: ReleaseRule
    opens: datetime
    closes: datetime
    index: int


def _decide(
    slot: SlotFacts,
    searcher: Searcher,
    now: datetime,
    *,
    used: QuotaUse | None,
    override: bool,
) -> Verdict:
    start = _utc(slot.start, "start")
    if now >= start:
        return Verdict(False, Code.IN_THE_PAST, f"This slot started at {_when(start)}.")
    if slot.blocked:
        return Verdict(False, Code.BLOCKED, "The practice has blocked this slot.")
    if _is_owner(slot, searcher):
        return Verdict(True, Code.OWN_PRACTICE, "This is your own practice's slot.")
    if not slot.bookable:
        return Verdict(
            False,
            Code.NOT_BOOKABLE,
            "The practice keeps this slot for its own use: only its own staff can book it.",
        )
    if searcher.audience is Audience.PRACTICE:
        return Verdict(
            False,
            Code.NOT_RELEASED,
            "This slot belongs to another practice: book it through the hub.",
        )

    refusals: list[_Refusal] = []
    for index, rule in enumerate(slot.rules):
        if rule.audience is not searcher.audience:
            continue
        opens, closes = _window(rule, start)
        code = _filter_refusal(rule, searcher) or _timing_refusal(opens, closes, now)
        if code is None and used is not None:
            code = _quota_refusal(rule, used)
        if code is None:
            return Verdict(True, Code.RELEASED, f"{rule.describe()}.")
        refusals.append(_Refusal(code, rule, opens, closes, index))

    if not refusals:
        return Verdict(
            False, Code.NOT_RELEASED, f"This slot is not released to {searcher.audience.label}."
        )
    best = min(refusals, key=lambda r: (_REFUSAL_RANK[r.code], r.opens, r.index))
    refusal = Verdict(False, best.code, _refusal_reason(best, searcher, used))
    if override and best.code in OVERRIDABLE:
        return Verdict(
            True, Code.OVERRIDDEN, f"Allowed by override. {refusal.reason}", overridden=best.code
        )
    return refusal


def _filter_refusal(rule: ReleaseRule, searcher: Searcher) -> Code | None:
    """GP Connect's table: each list restricts only where set; both set, both must match."""
    if rule.ods_codes and searcher.ods_code not in rule.ods_codes:
        return Code.ODS_NOT_LISTED
    if rule.organisation_types and searcher.organisation_type not in rule.organisation_types:
        return Code.ORG_TYPE_NOT_LISTED
    return None


def _timing_refusal(opens: datetime, closes: datetime, now: datetime) -> Code | None:
    if opens >= closes or now >= closes:
        return Code.CUT_OFF
    if now < opens:
        return Code.EMBARGOED
    return None


def _quota_refusal(rule: ReleaseRule, used: QuotaUse) -> Code | None:
    """At most N bookings: with N already held, the next one is refused."""
    if rule.quota_per_session is not None and used.in_session >= rule.quota_per_session:
        return Code.QUOTA_REACHED
    if rule.quota_per_day is not None and used.on_day >= rule.quota_per_day:
        return Code.QUOTA_REACHED
    return None


def _window(rule: ReleaseRule, start: datetime) -> tuple[datetime, datetime]:
    """[opens, closes) in UTC for one rule; closes never after the start."""
    opens = _EARLIEST if rule.opens is None else rule.opens.instant(start)
    return opens, min(_minus(start, rule.cut_off), start)


def _is_owner(slot: SlotFacts, searcher: Searcher) -> bool:
    return (
        searcher.audience is Audience.PRACTICE
        and searcher.ods_code is not None
        and searcher.ods_code == slot.practice_ods
    )


# Reasons in plain English ----------------------------------------------------------------


def _refusal_reason(refusal: _Refusal, searcher: Searcher, used: QuotaUse | None) -> str:
    rule = refusal.rule
    label = rule.audience.label
    match refusal.code:
        case Code.ODS_NOT_LISTED:
            listed = ", ".join(sorted(rule.ods_codes))
            yours = f"yours ({searcher.ods_code})" if searcher.ods_code else "no ODS code was given"
            return f"Released to {label} only for named organisations ({listed}): {yours}."
        case Code.ORG_TYPE_NOT_LISTED:
            listed = ", ".join(sorted(rule.organisation_types))
            yours = (
                f"yours is {searcher.organisation_type}"
                if searcher.organisation_type
                else "no organisation type was given"
            )
            return f"Released to {label} only for some kinds of organisation ({listed}): {yours}."
        case Code.EMBARGOED:
            return f"{rule.describe()}: bookable from {_when(refusal.opens)}."
        case Code.CUT_OFF if refusal.opens >= refusal.closes:
            return (
                f"{rule.describe()}, but bookings close {_cut_off(rule.cut_off)}, "
                "so it never opens."
            )
        case Code.CUT_OFF:
            return (
                f"Bookings by {label} close {_cut_off(rule.cut_off)}: "
                f"closed at {_when(refusal.closes)}."
            )
        case Code.QUOTA_REACHED if used is not None:
            if rule.quota_per_session is not None and used.in_session >= rule.quota_per_session:
                held, where = used.in_session, "in this session"
            else:
                held, where = used.on_day, "on this day"
            return (
                f"Your organisation already has {_bookings(held)} {where}, the most "
                f"allowed for {label}."
            )
        case _:
            return f"This slot is not released to {label} now."


def _cut_off(cut_off: timedelta) -> str:
    if cut_off <= timedelta(0):
        return "at the start"
    return f"{_duration(cut_off)} before the start"


def _bookings(count: int) -> str:
    return "1 booking" if count == 1 else f"{count} bookings"


def _duration(delta: timedelta) -> str:
    """48 hours, 1 hour 30 minutes, 30 minutes, 7 days: the way people say lead times."""
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes == 0:
        return "less than a minute" if delta else "0 minutes"
    days, rest = divmod(minutes, 24 * 60)
    if rest == 0 and days >= 3:
        return f"{days} days"
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append("1 hour" if hours == 1 else f"{hours} hours")
    if minutes:
        parts.append("1 minute" if minutes == 1 else f"{minutes} minutes")
    return " ".join(parts)


def _clock(moment: time) -> str:
    """NHS content style: 8am, 6:30pm, midday, midnight."""
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _when(instant: datetime) -> str:
    """6:30pm on Thursday 2 April 2026, in London time, independent of the process locale."""
    local = _to_london(instant)
    weekday, month = _WEEKDAYS[local.weekday()], _MONTHS[local.month - 1]
    return f"{_clock(local.time())} on {weekday} {local.day} {month} {local.year}"


# Time and normalisation ------------------------------------------------------------------


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime, got {value!r}: "
            "use django.utils.timezone.now() or attach a tzinfo."
        )


def _utc(value: datetime, name: str) -> datetime:
    """The instant in UTC: comparing in one zone keeps the clock-change hour in order."""
    _require_aware(value, name)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return _EARLIEST if value.year == datetime.min.year else _LATEST


def _to_london(instant: datetime) -> datetime:
    try:
        return instant.astimezone(LONDON)
    except OverflowError:  # the first or last moments datetime can hold
        return instant


def _minus(instant: datetime, delta: timedelta) -> datetime:
    try:
        return instant - delta
    except OverflowError:
        return _EARLIEST if delta > timedelta(0) else _LATEST


def _strings(values: Iterable[str] | str) -> Iterable[str]:
    """A lone string is one code, not a set of letters."""
    return (values,) if isinstance(values, str) else values


def _ods(code: str | None) -> str:
    return (code or "").strip().upper()


def _org_type(kind: str | None) -> str:
    return (kind or "").strip().lower()
