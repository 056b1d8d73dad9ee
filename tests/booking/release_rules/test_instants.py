"""Instants as the rules hold them: a naive datetime is refused, and moments past what a
datetime can hold are clamped rather than raised."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from booking.release_rules.instants import EARLIEST, LATEST, as_utc, minus, require_aware


def test_a_naive_datetime_is_refused_with_what_to_do():
    with pytest.raises(ValueError, match=r"now must be a timezone-aware datetime.*timezone\.now"):
        require_aware(datetime(2026, 4, 1, 9), "now")


def test_an_instant_in_any_zone_is_compared_in_utc():
    one_am_bst = datetime(2026, 6, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))

    assert as_utc(one_am_bst, "now") == datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    assert as_utc(one_am_bst, "now").tzinfo is UTC


def test_the_first_and_last_moments_a_datetime_holds_are_clamped_not_raised():
    first_in_paris = datetime.min.replace(tzinfo=timezone(timedelta(hours=1)))
    last_in_new_york = datetime.max.replace(tzinfo=timezone(timedelta(hours=-5)))

    assert as_utc(first_in_paris, "start") == EARLIEST
    assert as_utc(last_in_new_york, "start") == LATEST


def test_a_lead_or_cut_off_too_long_to_subtract_stops_at_the_ends_of_time():
    start = datetime(2026, 4, 2, 18, 30, tzinfo=UTC)

    assert minus(start, timedelta(hours=48)) == datetime(2026, 3, 31, 18, 30, tzinfo=UTC)
    assert minus(start, timedelta.max) == EARLIEST
    assert minus(start, timedelta.min) == LATEST
