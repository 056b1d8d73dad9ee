"""Instants and dates as GP Connect writes them: UK local time with its offset.

GP Connect examples carry local time with the offset in force ("2016-05-30T10:00:00+01:00"
in summer, "+00:00" in winter), so every instant we write is converted to Europe/London;
every instant we read must carry an offset (a bare local time is ambiguous across a clock
change). Search and retrieve dates ("start=ge2017-09-22") are London calendar days.
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


@lru_cache(maxsize=4096)  # a page of slots shares a few hundred start and end times
def format_instant(value: datetime) -> str:
    """`value` as London local time with its offset, to the second."""
    if value.tzinfo is None:
        raise ValueError("GP Connect instants need a timezone-aware datetime.")
    return value.astimezone(LONDON).isoformat(timespec="seconds")


def parse_instant(text: str) -> datetime:
    """A FHIR dateTime with a time and an offset, as an aware datetime (in UTC)."""
    if not isinstance(text, str) or "T" not in text:
        raise ValueError(f"Not a FHIR dateTime with a time: {text!r}")
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"A FHIR dateTime needs an offset: {text!r}")
    return value.astimezone(UTC)


def format_date(value: date) -> str:
    return value.isoformat()


def parse_date(text: str) -> date:
    """A FHIR date (YYYY-MM-DD, nothing more)."""
    if not isinstance(text, str) or len(text) != 10:
        raise ValueError(f"Not a FHIR date: {text!r}")
    return date.fromisoformat(text)


def london_date(value: datetime) -> date:
    """The calendar day in London on which `value` falls."""
    return value.astimezone(LONDON).date()


def london_day_start(day: date) -> datetime:
    """Midnight at the start of `day` in London, as an aware datetime (in UTC)."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def london_day_end(day: date) -> datetime:
    """Midnight at the end of `day` in London (the next day's start), in UTC."""
    return london_day_start(day + timedelta(days=1))


def epoch_seconds(value: datetime) -> int:
    return int(value.timestamp())
