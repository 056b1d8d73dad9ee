"""Enhanced Access compliance for one week (Monday to Sunday, London time), per practice and
for a hub as a whole, from the facts of its slots. Pure: no database.

The Network Contract DES asks each primary care network to offer, in Enhanced Access:
- at least 60 minutes of appointments a week for every 1,000 registered patients;
- across the whole of the Network Standard Hours: 18:30 to 20:00 on weekdays and 09:00 to
  17:00 on Saturdays;
- a mix of face-to-face and remote appointments, bookable in advance and on the day.
NHS 111 direct booking asks one slot a day kept for NHS 111 for every 3,000 patients.
"""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

MINUTES_PER_1000_PATIENTS = 60
PATIENTS_PER_NHS111_SLOT = 3_000
BOOKABLE_AHEAD = datetime.timedelta(days=14)
# Network Standard Hours by ISO weekday (1 Monday … 6 Saturday): London wall-clock times.
NETWORK_STANDARD_HOURS: dict[int, tuple[datetime.time, datetime.time]] = {
    **{day: (datetime.time(18, 30), datetime.time(20, 0)) for day in range(1, 6)},
    6: (datetime.time(9, 0), datetime.time(17, 0)),
}
NETWORK_STANDARD_MINUTES = 5 * 90 + 8 * 60
GP_ROLES = frozenset({"R0260", "R0270", "R0262", "R6300", "R6200"})
REMOTE_CHANNELS = frozenset({"Telephone", "Video"})


@dataclass(frozen=True)
class SlotFacts:
    """One slot offered in the week (published, not blocked). Times are London wall-clock."""

    practice_id: int
    session_id: int
    start: datetime.datetime
    end: datetime.datetime
    role: str  # SDS job role of the session
    channel: str
    hub_opens: datetime.datetime | None  # when the hub could first book it; None: never
    hub_closes: datetime.datetime | None
    urgent_care: bool  # released to urgent care at some time
    online: bool  # released to patients online at some time
    nhs111: bool  # kept for NHS 111 direct booking

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass
class Compliance:
    """One practice's week, or a hub's (its practices together)."""

    name: str
    ods_code: str
    list_size: int | None
    minutes_offered: int = 0
    face_to_face_minutes: int = 0
    remote_minutes: int = 0
    slots: int = 0
    bookable_two_weeks_ahead: int = 0
    bookable_on_the_day: int = 0
    released_to_urgent_care: int = 0
    released_online: int = 0
    kept_for_nhs111: int = 0
    standard_hours_covered: int = 0  # minutes of the Network Standard Hours with a session
    standard_hours_without_gp: int = 0  # of those, minutes with no GP in any session
    intervals: list[tuple[datetime.datetime, datetime.datetime, bool]] = field(
        default_factory=list, repr=False
    )

    @property
    def minutes_per_1000(self) -> float | None:
        if not self.list_size:
            return None
        return round(self.minutes_offered * 1000 / self.list_size, 1)

    @property
    def required_minutes(self) -> int | None:
        if not self.list_size:
            return None
        return math.ceil(self.list_size * MINUTES_PER_1000_PATIENTS / 1000)

    @property
    def meets_minutes(self) -> bool | None:
        required = self.required_minutes
        return None if required is None else self.minutes_offered >= required

    @property
    def standard_hours_share(self) -> float:
        return round(self.standard_hours_covered / NETWORK_STANDARD_MINUTES, 3)

    @property
    def covers_standard_hours(self) -> bool:
        return self.standard_hours_covered >= NETWORK_STANDARD_MINUTES

    @property
    def nhs111_target(self) -> int | None:
        """Slots a week to keep for NHS 111: one a day for every 3,000 patients."""
        if not self.list_size:
            return None
        return 7 * math.ceil(self.list_size / PATIENTS_PER_NHS111_SLOT)

    @property
    def remote_share(self) -> float:
        return round(self.remote_minutes / self.minutes_offered, 3) if self.minutes_offered else 0.0


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The Monday and the Sunday of `day`'s week."""
    monday = day - datetime.timedelta(days=day.isoweekday() - 1)
    return monday, monday + datetime.timedelta(days=6)


def add_slot(figures: Compliance, slot: SlotFacts) -> None:
    figures.slots += 1
    figures.minutes_offered += slot.minutes
    if slot.channel in REMOTE_CHANNELS:
        figures.remote_minutes += slot.minutes
    else:
        figures.face_to_face_minutes += slot.minutes
    day_start = slot.start.replace(hour=0, minute=0, second=0, microsecond=0)
    if slot.hub_opens is not None and slot.hub_opens <= slot.start - BOOKABLE_AHEAD:
        figures.bookable_two_weeks_ahead += 1
    if slot.hub_closes is not None and slot.hub_closes > day_start:
        figures.bookable_on_the_day += 1
    figures.released_to_urgent_care += slot.urgent_care
    figures.released_online += slot.online
    figures.kept_for_nhs111 += slot.nhs111
    figures.intervals.append((slot.start, slot.end, slot.role in GP_ROLES))


def finish(figures: Compliance, monday: datetime.date) -> Compliance:
    """Measure the Network Standard Hours the week's slots cover, and those with no GP."""
    covered = without_gp = 0
    for offset in range(7):
        day = monday + datetime.timedelta(days=offset)
        hours = NETWORK_STANDARD_HOURS.get(day.isoweekday())
        if hours is None:
            continue
        opens = datetime.datetime.combine(day, hours[0])
        closes = datetime.datetime.combine(day, hours[1])
        inside = [
            (max(start, opens), min(end, closes), gp)
            for start, end, gp in figures.intervals
            if start < closes and end > opens
        ]
        covered += _minutes(_union((start, end) for start, end, _ in inside))
        with_gp = _minutes(_union((start, end) for start, end, gp in inside if gp))
        without_gp += _minutes(_union((start, end) for start, end, _ in inside)) - with_gp
    figures.standard_hours_covered = covered
    figures.standard_hours_without_gp = without_gp
    return figures


def _union(intervals: Iterable[tuple[datetime.datetime, datetime.datetime]]) -> list:
    merged: list[list[datetime.datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _minutes(intervals: list) -> int:
    return int(sum((end - start).total_seconds() for start, end in intervals) // 60)


def compliance(
    slots: Iterable[SlotFacts],
    practices: dict[int, tuple[str, str, int | None]],
    *,
    monday: datetime.date,
    hub: tuple[str, str] | None = None,
) -> tuple[list[Compliance], Compliance | None]:
    """Each practice's week (practices: id -> (name, ODS code, list size)), in name order,
    and the hub's, whose list size is its practices' together."""
    each = {pk: Compliance(name, ods, size) for pk, (name, ods, size) in practices.items()}
    together = None
    if hub is not None:
        sizes = [size for _, _, size in practices.values()]
        total = sum(sizes) if sizes and all(sizes) else None
        together = Compliance(hub[0], hub[1], total)
    for slot in slots:
        if slot.practice_id in each:
            add_slot(each[slot.practice_id], slot)
            if together is not None:
                add_slot(together, slot)
    rows = sorted((finish(f, monday) for f in each.values()), key=lambda f: f.name)
    return rows, finish(together, monday) if together is not None else None
