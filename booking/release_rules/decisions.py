"""The release rules: whether a searcher may see or book a slot now, when it opens to them,
and the windows search indexes on.

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

Search and booking call these with plain facts (`terms`), on search *and* on book, and get a
`Verdict` whose `code` is stable for machines and whose `reason` a receptionist can read.

Times: every instant is compared in UTC, so datetimes in any zone (and either side of a
clock change) compare correctly. "On the day" embargoes are reckoned in Europe/London
local time. Durations ("48 hours before") are elapsed time, so across a clock change the
wall clock shows 47 or 49 hours.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from booking.release_rules.instants import EARLIEST, as_utc, minus
from booking.release_rules.terms import (
    OVERRIDABLE,
    Audience,
    Code,
    OpensBefore,
    QuotaUse,
    Release,
    ReleaseWindow,
    Searcher,
    SlotFacts,
    Verdict,
    duration_in_words,
)
from core.time import day_and_time

# When several rules refuse, tell the searcher about the one closest to letting them in.
_REFUSAL_RANK = {
    Code.QUOTA_REACHED: 0,
    Code.EMBARGOED: 1,
    Code.CUT_OFF: 2,
    Code.ODS_NOT_LISTED: 3,
    Code.ORG_TYPE_NOT_LISTED: 4,
}


# Public decisions ------------------------------------------------------------------------


def may_see(
    slot: SlotFacts, searcher: Searcher, now: datetime, *, override: bool = False
) -> Verdict:
    """Whether search should show the slot to the searcher now: released to them and open.

    Quotas are not checked here; booking checks them (`may_book`).
    """
    return _decide(slot, searcher, as_utc(now, "now"), used=None, override=override)


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
    return _decide(slot, searcher, as_utc(now, "now"), used=used, override=override)


def opens_at(slot: SlotFacts, searcher: Searcher, now: datetime) -> datetime | None:
    """The first moment from `now` on when the searcher may book, in UTC, or None.

    `now` itself when bookable already; None when it never will be. Quotas are not counted.
    Lets the UI say "bookable online from 6:30pm on Thursday" (show it in London time).
    UTC, because a London time in the repeated autumn hour never equals one in another zone.
    """
    now = as_utc(now, "now")
    start = as_utc(slot.start, "start")
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


def effective_rules(slot: SlotFacts, now: datetime) -> tuple[Release, ...]:
    """The rules open at `now`: who the slot is released to at this moment (for the diary)."""
    now = as_utc(now, "now")
    start = as_utc(slot.start, "start")
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
    start = as_utc(slot.start, "start")
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
) -> tuple[Release, ...]:
    """Rules that release an unbooked slot automatically to wider audiences `lead` before start.

    Add them to the slot's rules: "to urgent care and online at T-2h" is
    `widen_release(lead=timedelta(hours=2), to=[Audience.URGENT_CARE, Audience.ONLINE])`.
    A booked slot is not free, so the widening only ever reaches unbooked ones.
    """
    audiences = sorted({Audience(audience) for audience in to})
    return tuple(
        Release(audience=audience, opens=OpensBefore(lead), cut_off=cut_off)
        for audience in audiences
    )


# The decision ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Refusal:
    code: Code
    rule: Release
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
    start = as_utc(slot.start, "start")
    if now >= start:
        return Verdict(False, Code.IN_THE_PAST, f"This slot started at {day_and_time(start)}.")
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


def _filter_refusal(rule: Release, searcher: Searcher) -> Code | None:
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


def _quota_refusal(rule: Release, used: QuotaUse) -> Code | None:
    """At most N bookings: with N already held, the next one is refused."""
    if rule.quota_per_session is not None and used.in_session >= rule.quota_per_session:
        return Code.QUOTA_REACHED
    if rule.quota_per_day is not None and used.on_day >= rule.quota_per_day:
        return Code.QUOTA_REACHED
    return None


def _window(rule: Release, start: datetime) -> tuple[datetime, datetime]:
    """[opens, closes) in UTC for one rule; closes never after the start."""
    opens = EARLIEST if rule.opens is None else rule.opens.instant(start)
    return opens, min(minus(start, rule.cut_off), start)


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
            return f"{rule.describe()}: bookable from {day_and_time(refusal.opens)}."
        case Code.CUT_OFF if refusal.opens >= refusal.closes:
            return (
                f"{rule.describe()}, but bookings close {_cut_off(rule.cut_off)}, "
                "so it never opens."
            )
        case Code.CUT_OFF:
            return (
                f"Bookings by {label} close {_cut_off(rule.cut_off)}: "
                f"closed at {day_and_time(refusal.closes)}."
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
    return f"{duration_in_words(cut_off)} before the start"


def _bookings(count: int) -> str:
    return "1 booking" if count == 1 else f"{count} bookings"
