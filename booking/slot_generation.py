"""Turning a session into slots, in Europe/London wall-clock time, across the clock changes.

Pure functions: a weekly 6:30pm session stays at 6:30pm local time after the clocks change,
and each slot lasts its real length in minutes even on the night the clocks change.
"""

import datetime

from core.time import LONDON


def session_occurrences(
    first_date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
    weeks: int = 1,
    tz: datetime.tzinfo = LONDON,
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """The (start, end) of a session held on `first_date` and weekly after, in UTC-aware
    datetimes. An end at or before the start means the session runs past midnight."""
    if weeks < 1:
        raise ValueError("A session is held for at least one week.")
    occurrences = []
    for week in range(weeks):
        day = first_date + datetime.timedelta(weeks=week)
        start = _local(day, start_time, tz)
        end_day = day if end_time > start_time else day + datetime.timedelta(days=1)
        end = _local(end_day, end_time, tz)
        occurrences.append((start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)))
    return occurrences


def _local(day: datetime.date, time: datetime.time, tz: datetime.tzinfo) -> datetime.datetime:
    """A wall-clock time on a day. In the spring gap the time does not exist: 1:30am
    becomes 2:30am, as the clocks say once they have jumped; in the autumn overlap the
    first (summer-time) 1:30am is taken."""
    aware = datetime.datetime.combine(day, time).replace(tzinfo=tz, fold=0)
    return aware.astimezone(datetime.UTC).astimezone(tz)


def cut_into_slots(
    start: datetime.datetime, end: datetime.datetime, minutes: int
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Whole slots of `minutes` real minutes from start; a remainder too short is left out."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("Slots are cut from timezone-aware datetimes.")
    if minutes <= 0:
        raise ValueError("A slot lasts at least a minute.")
    length = datetime.timedelta(minutes=minutes)
    slots = []
    cursor = start
    while cursor + length <= end:
        slots.append((cursor, cursor + length))
        cursor += length
    return slots
