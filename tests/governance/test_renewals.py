"""When a renewed sharing agreement runs: from the day after the current one ends, as
long again."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from governance.renewals import following_period

DAY = datetime.timedelta(days=1)


# The rule: the following period ---------------------------------------------------------


def test_a_year_from_the_first_of_a_month_renews_as_the_next_year():
    assert following_period(datetime.date(2026, 4, 1), datetime.date(2027, 3, 31)) == (
        datetime.date(2027, 4, 1),
        datetime.date(2028, 3, 31),
    )
    # Across a leap day, still the same calendar year, not 365 days.
    assert following_period(datetime.date(2026, 12, 1), datetime.date(2027, 11, 30)) == (
        datetime.date(2027, 12, 1),
        datetime.date(2028, 11, 30),
    )


def test_an_odd_period_renews_for_as_many_days():
    assert following_period(datetime.date(2026, 1, 10), datetime.date(2026, 1, 19)) == (
        datetime.date(2026, 1, 20),
        datetime.date(2026, 1, 29),
    )


def test_no_renewal_past_the_last_date_a_date_can_hold():
    assert following_period(datetime.date(9999, 1, 1), datetime.date.max) is None


@given(
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2200, 1, 1)),
    st.integers(min_value=0, max_value=3000),
)
def test_a_renewal_starts_the_day_after_and_runs_about_as_long(start, length):
    end = start + datetime.timedelta(days=length)
    renewal_starts, renewal_ends = following_period(start, end)
    assert renewal_starts == end + DAY
    assert renewal_ends >= renewal_starts
    # Whole months or days: as many months may hold up to three days more or fewer (a
    # February among them or not), and a leap day one more.
    assert abs((renewal_ends - renewal_starts).days - (end - start).days) <= 4
