"""Sessions become slots in Europe/London wall-clock time, across the clock changes."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from booking.slot_generation import cut_into_slots, session_occurrences

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def test_weekly_evening_session_keeps_its_local_time_across_the_autumn_change():
    # Clocks go back on Sunday 25 October 2026.
    sessions = session_occurrences(
        datetime.date(2026, 10, 21), datetime.time(18, 30), datetime.time(20, 0), weeks=2
    )
    assert [s.astimezone(LONDON).time() for s, _ in sessions] == [datetime.time(18, 30)] * 2
    assert [s.hour for s, _ in sessions] == [17, 18]  # UTC moves, local time does not


def test_weekly_session_across_the_spring_change():
    # Clocks go forward on Sunday 29 March 2026.
    sessions = session_occurrences(
        datetime.date(2026, 3, 28), datetime.time(9, 0), datetime.time(12, 0), weeks=2
    )
    assert [s.astimezone(LONDON).time() for s, _ in sessions] == [datetime.time(9, 0)] * 2
    assert [s.hour for s, _ in sessions] == [9, 8]


def test_a_session_that_starts_in_the_spring_gap_starts_when_the_clocks_jump():
    [(start, _)] = session_occurrences(
        datetime.date(2026, 3, 29), datetime.time(1, 30), datetime.time(4, 0)
    )
    assert start.astimezone(LONDON).time() == datetime.time(2, 30)
    assert start == datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_slots_on_the_night_the_clocks_go_back_last_their_real_length():
    # A session from 00:30 to 02:30 local on 25 Oct 2026 lasts three real hours.
    [(start, end)] = session_occurrences(
        datetime.date(2026, 10, 25), datetime.time(0, 30), datetime.time(2, 30)
    )
    assert end - start == datetime.timedelta(hours=3)
    slots = cut_into_slots(start, end, 30)
    assert len(slots) == 6
    assert all(b - a == datetime.timedelta(minutes=30) for a, b in slots)


def test_a_session_past_midnight_ends_the_next_day():
    [(start, end)] = session_occurrences(
        datetime.date(2026, 12, 31), datetime.time(22, 0), datetime.time(1, 0)
    )
    assert end - start == datetime.timedelta(hours=3)


def test_remainders_too_short_for_a_slot_are_left_out():
    start = datetime.datetime(2026, 6, 1, 17, 30, tzinfo=UTC)
    assert len(cut_into_slots(start, start + datetime.timedelta(minutes=50), 15)) == 3


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        cut_into_slots(datetime.datetime(2026, 6, 1, 17), datetime.datetime(2026, 6, 1, 18), 10)


@given(
    first=st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2030, 12, 31)),
    start_minutes=st.integers(min_value=6 * 60, max_value=20 * 60),
    length=st.integers(min_value=30, max_value=240),
    slot=st.sampled_from([5, 10, 15, 20, 30]),
    weeks=st.integers(min_value=1, max_value=12),
)
def test_slots_tile_each_session_without_gaps_or_overlaps(
    first, start_minutes, length, slot, weeks
):
    start_time = datetime.time(start_minutes // 60, start_minutes % 60)
    end_minutes = start_minutes + length
    end_time = datetime.time(end_minutes // 60 % 24, end_minutes % 60)
    for start, end in session_occurrences(first, start_time, end_time, weeks):
        assert start.astimezone(LONDON).time() == start_time
        slots = cut_into_slots(start, end, slot)
        assert slots[0][0] == start
        assert all(a[1] == b[0] for a, b in itertools.pairwise(slots))
        assert end - slots[-1][1] < datetime.timedelta(minutes=slot)
