"""Instants as the release rules hold them: timezone-aware, compared in UTC, and clamped to
what a datetime can hold when a huge lead time or cut-off pushes them past it.

Comparing in one zone keeps the repeated autumn hour in order: a London time in it never
equals one in another zone, but the instants do.
"""

from datetime import UTC, datetime, timedelta

# Bounds for openings pushed beyond what datetime can hold by huge leads or cut-offs.
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


def require_aware(value: datetime, name: str) -> None:
    """Refuse a naive datetime: which instant it means depends on where the code runs."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime, got {value!r}: "
            "use django.utils.timezone.now() or attach a tzinfo."
        )


def as_utc(value: datetime, name: str) -> datetime:
    """The instant in UTC: comparing in one zone keeps the clock-change hour in order."""
    require_aware(value, name)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return EARLIEST if value.year == datetime.min.year else LATEST


def minus(instant: datetime, delta: timedelta) -> datetime:
    """`instant - delta`, held at the first or last moment a datetime can hold."""
    try:
        return instant - delta
    except OverflowError:
        return EARLIEST if delta > timedelta(0) else LATEST
