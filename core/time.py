"""London time and the way we write it, for every layer: the standard library only.

Instants are stored in UTC; people read them in Europe/London, written in the NHS content
style ("6:30pm", "midday"), the same way on every page, alert and message.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# The dates Hub Diary takes in: wide enough for any date of birth or agreement, narrow
# enough that the weeks either side of one a page or a search reaches for are still dates.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2099, 12, 31)

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def london_day_start(day: date) -> datetime:
    """Midnight at the start of `day` in London, as an aware datetime (in UTC)."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def london_day_end(day: date) -> datetime:
    """Midnight at the end of `day` in London (the next day's start), in UTC."""
    return london_day_start(day + timedelta(days=1))


def london_date(value: datetime) -> date:
    """The calendar day in London on which `value` falls."""
    return value.astimezone(LONDON).date()


def to_london(instant: datetime) -> datetime:
    """The instant on London's clocks; the first and last moments a datetime can hold stay
    as they are rather than overflow."""
    try:
        return instant.astimezone(LONDON)
    except OverflowError:
        return instant


def clock(value: datetime | time | None) -> str:
    """A time of day as people say it: 8am, 6:30pm, midday, midnight (London time)."""
    if value is None:
        return ""
    moment = to_london(value).time() if isinstance(value, datetime) else value
    if (moment.hour, moment.minute) == (0, 0):
        return "midnight"
    if (moment.hour, moment.minute) == (12, 0):
        return "midday"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def day_and_time(instant: datetime) -> str:
    """6:30pm on Thursday 2 April 2026, in London time, whatever the process's locale."""
    local = to_london(instant)
    weekday, month = _WEEKDAYS[local.weekday()], _MONTHS[local.month - 1]
    return f"{clock(local.time())} on {weekday} {local.day} {month} {local.year}"


def short_day_and_time(instant: datetime) -> str:
    """Tue 4 Mar, 6:45pm: for alerts and tables, where space is short."""
    local = to_london(instant)
    weekday, month = _WEEKDAYS[local.weekday()][:3], _MONTHS[local.month - 1][:3]
    return f"{weekday} {local.day} {month}, {clock(local.time())}"


def date_and_time(instant: datetime, *, long: bool = False, seconds: bool = False) -> str:
    """4 Dec 2026, 7:06am (4 December 2026 when `long`; 7:06:09am to the second, for the
    audit trail), in London time."""
    local = to_london(instant)
    month = _MONTHS[local.month - 1]
    when = clock(local.time())
    if seconds:
        hour = local.hour % 12 or 12
        when = f"{hour}:{local.minute:02d}:{local.second:02d}{'am' if local.hour < 12 else 'pm'}"
    return f"{local.day} {month if long else month[:3]} {local.year}, {when}"


def long_date(day: date) -> str:
    """Thursday 2 April 2026."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"
