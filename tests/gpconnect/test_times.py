"""UK local times with offsets, either side of the clock change."""

from datetime import UTC, date, datetime, timedelta

import pytest

from gpconnect.times import (
    format_instant,
    london_date,
    london_day_end,
    london_day_start,
    parse_instant,
)


def test_format_instant_in_winter_has_zero_offset():
    assert format_instant(datetime(2026, 10, 25, 18, 30, tzinfo=UTC)) == (
        "2026-10-25T18:30:00+00:00"
    )


def test_format_instant_in_summer_is_local_time_plus_one():
    assert format_instant(datetime(2026, 10, 24, 17, 30, tzinfo=UTC)) == (
        "2026-10-24T18:30:00+01:00"
    )


def test_format_instant_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        format_instant(datetime(2026, 10, 25, 18, 30))


@pytest.mark.parametrize(
    "text",
    ["2016-08-15T11:30:00.000+01:00", "2016-08-15T10:30:00Z", "2016-08-15T10:30:00+00:00"],
)
def test_parse_instant_accepts_the_forms_providers_send(text):
    assert parse_instant(text) == datetime(2016, 8, 15, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2016-08-15T11:30:00", "2016-08-15", "", None])
def test_parse_instant_refuses_times_without_an_offset(text):
    with pytest.raises(ValueError):
        parse_instant(text)


def test_london_days_are_23_and_25_hours_on_clock_change_days():
    spring, autumn = date(2026, 3, 29), date(2026, 10, 25)

    assert london_day_end(spring) - london_day_start(spring) == timedelta(hours=23)
    assert london_day_end(autumn) - london_day_start(autumn) == timedelta(hours=25)


def test_london_date_of_a_late_summer_evening_in_utc():
    assert london_date(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == date(2026, 7, 2)
