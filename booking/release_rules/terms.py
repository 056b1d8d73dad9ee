"""The terms release rules are stated in: who asks (audiences, searchers), what a slot is
released on (releases and their embargoes), what the rules are told (slot facts, quota use)
and what they answer (verdicts with stable codes, release windows).

Plain frozen dataclasses that normalise what they are given (ODS codes upper case,
organisation types lower case, aware datetimes), so that every decision compares like with
like.
"""

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TypeAlias

from booking.release_rules.instants import EARLIEST, LATEST, as_utc, minus, require_aware
from core.time import LONDON, clock, to_london


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


@dataclass(frozen=True)
class OpensBefore:
    """An embargo that lifts a fixed elapsed time before the start ("from 48 hours before")."""

    lead: timedelta

    def instant(self, start: datetime) -> datetime:
        """The moment the embargo lifts for a slot starting at `start`."""
        return minus(as_utc(start, "start"), self.lead)

    def describe(self) -> str:
        """The embargo in words, to follow "Released to urgent care"."""
        if self.lead < timedelta(0):
            return f"from {duration_in_words(self.lead)} after the start"
        return f"from {duration_in_words(self.lead)} before the start"


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
        local_day = to_london(as_utc(start, "start")).date()
        try:
            day = local_day - timedelta(days=self.days_before)
            return datetime.combine(day, self.at.replace(tzinfo=None), LONDON).astimezone(UTC)
        except OverflowError:
            return EARLIEST if self.days_before > 0 else LATEST

    def describe(self) -> str:
        """The embargo in words, to follow "Released to urgent care"."""
        at = clock(self.at)
        if self.days_before == 0:
            return f"from {at} on the day"
        if self.days_before == 1:
            return f"from {at} the day before"
        if self.days_before == -1:
            return f"from {at} the day after"
        if self.days_before < 0:
            return f"from {at} {-self.days_before} days after"
        return f"from {at} {self.days_before} days before"


Opening: TypeAlias = OpensBefore | OpensOnDay


@dataclass(frozen=True)
class Release:
    """Releases a slot to one audience, optionally only to some organisations, for a window.

    `opens` is the embargo (None: open as soon as published); `cut_off` closes bookings that
    long before the start; `ods_codes` and `organisation_types` restrict only where set;
    quotas cap the bookings one organisation already holds in the session or on the day.
    Releases to the PRACTICE audience have no effect: the owning practice may always book.
    A session's stored `booking.models.ReleaseRule` rows become these (`stored.as_release`).
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
        """The release in a receptionist's words: "Released to urgent care from 8am on the
        day"."""
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
    rules: tuple[Release, ...] = ()

    def __post_init__(self) -> None:
        require_aware(self.start, "SlotFacts.start")
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
    when False (a release names ODS codes or organisation types, or the releases leave a
    gap) the window is only a pre-filter and `may_see` must decide. A release open as soon
    as published opens at `datetime.min` in UTC: store the publication time instead if you
    like.
    """

    opens: datetime
    closes: datetime
    exact: bool


def duration_in_words(delta: timedelta) -> str:
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


def _strings(values: Iterable[str] | str) -> Iterable[str]:
    """A lone string is one code, not a set of letters."""
    return (values,) if isinstance(values, str) else values


def _ods(code: str | None) -> str:
    return (code or "").strip().upper()


def _org_type(kind: str | None) -> str:
    return (kind or "").strip().lower()
