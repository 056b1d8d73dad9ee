"""When a renewed sharing agreement runs: from the day after the current one ends, for as
long again, so that sharing carries on without a gap."""

import calendar
import datetime

ONE_DAY = datetime.timedelta(days=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later, or the month's last day if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def following_period(
    starts_on: datetime.date, ends_on: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    """The period after `starts_on`..`ends_on` (both included), as long again: in whole
    months when the agreement ran for whole months (1 April to 31 March renews as 1 April to
    31 March, leap years or not), otherwise in days. None past the last date we can hold."""
    try:
        renewal_starts = ends_on + ONE_DAY
        months = (
            (renewal_starts.year - starts_on.year) * 12 + renewal_starts.month - starts_on.month
        )
        if months > 0 and renewal_starts.day == starts_on.day:
            renewal_ends = _add_months(renewal_starts, months) - ONE_DAY
        else:
            renewal_ends = renewal_starts + (ends_on - starts_on)
    except (OverflowError, ValueError):
        return None
    return renewal_starts, renewal_ends
