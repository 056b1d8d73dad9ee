"""Search parameters, the 14-day window and ETags, as GP Connect sets them."""

import itertools
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gpconnect import codes
from gpconnect.errors import GPConnectError, SpineError
from gpconnect.rest import (
    DateWindow,
    Interaction,
    etag,
    parse_appointment_search,
    parse_patient_search,
    parse_slot_search,
    patient_search_params,
    service_root,
    slot_search_params,
    split_window,
    version_from_etag,
)


def _params(pairs):
    return parse_qs(urlencode(pairs), keep_blank_values=True)


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    length=st.integers(min_value=1, max_value=120),
)
def test_split_window_covers_every_day_once_in_windows_of_at_most_14_days(start, length):
    end = start + timedelta(days=length - 1)

    windows = split_window(start, end)

    assert windows[0].start == start and windows[-1].end == end
    assert all(1 <= w.days <= 14 for w in windows)
    assert all(b.start == a.end + timedelta(days=1) for a, b in itertools.pairwise(windows))
    assert sum(w.days for w in windows) == length


def test_split_window_of_an_empty_range_is_empty():
    assert split_window(date(2026, 1, 2), date(2026, 1, 1)) == []


def test_slot_search_params_round_trip_through_the_provider_parser():
    params = slot_search_params(
        DateWindow(date(2026, 10, 20), date(2026, 11, 2)), booking_ods="U30003"
    )

    search = parse_slot_search(_params(params))

    assert search.earliest == datetime(2026, 10, 19, 23, 0, tzinfo=UTC)  # midnight BST
    assert search.latest == datetime(2026, 11, 3, 0, 0, tzinfo=UTC)  # midnight GMT
    assert search.booking_ods == "U30003"
    assert search.include_practitioners and search.include_locations


def test_slot_search_of_14_days_is_allowed_and_of_15_an_invalid_parameter():
    fourteen = slot_search_params(DateWindow(date(2026, 10, 20), date(2026, 11, 3)))
    fifteen = slot_search_params(DateWindow(date(2026, 10, 20), date(2026, 11, 4)))

    assert parse_slot_search(_params(fourteen)).latest == datetime(2026, 11, 4, tzinfo=UTC)
    with pytest.raises(GPConnectError, match="14 days") as caught:
        parse_slot_search(_params(fifteen))
    assert caught.value.error is SpineError.INVALID_PARAMETER


@pytest.mark.parametrize("instant", ["2026-10-20T09:00:00", "2026-10-20T09:00:00Z"])
def test_slot_search_refuses_a_time_without_its_uk_offset(instant):
    params = [
        ("start", f"ge{instant}"),
        ("end", "le2026-10-21"),
        ("status", "free"),
        ("_include", "Slot:schedule"),
    ]

    with pytest.raises(GPConnectError, match="offset") as caught:
        parse_slot_search(_params(params))
    assert caught.value.error is SpineError.INVALID_PARAMETER


def test_slot_search_accepts_the_specifications_datetime_form():
    search = parse_slot_search(
        _params(
            [
                ("start", "ge2017-10-20T00:00:00+01:00"),
                ("end", "le2017-10-31T23:59:59+00:00"),
                ("status", "free"),
                ("_include", "Slot:schedule"),
                ("searchFilter", "https://example.org/unknown|x"),
            ]
        )
    )

    assert search.latest - search.earliest == timedelta(days=12, minutes=59, seconds=59)


@pytest.mark.parametrize(
    ("drop", "add", "message"),
    [
        ("status", [("status", "busy")], "status=free"),
        ("_include", [], "Slot:schedule"),
        ("start", [("start", "2026-10-20")], "ge"),
        ("end", [], "end"),
    ],
)
def test_slot_search_without_its_required_parameters_is_refused(drop, add, message):
    params = [
        pair
        for pair in slot_search_params(DateWindow(date(2026, 10, 20), date(2026, 10, 21)))
        if pair[0] != drop
    ] + add

    with pytest.raises(GPConnectError, match=message):
        parse_slot_search(_params(params))


def test_appointment_search_takes_two_dates_from_today():
    today = date(2026, 10, 20)

    window = parse_appointment_search(
        _params([("start", "ge2026-10-20"), ("start", "le2026-12-31")]), today=today
    )

    assert window == DateWindow(date(2026, 10, 20), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("start", "ge2026-10-19"), ("start", "le2026-10-30")], "past"),
        ([("start", "ge2026-10-20T10:00:00"), ("start", "le2026-10-30")], "dates only"),
        ([("start", "ge2026-10-20")], "two start"),
        ([("start", "ge2026-10-25"), ("start", "le2026-10-21")], "before"),
    ],
)
def test_appointment_search_refusals_are_invalid_parameters(pairs, message):
    with pytest.raises(GPConnectError, match=message) as caught:
        parse_appointment_search(_params(pairs), today=date(2026, 10, 20))
    assert caught.value.error is SpineError.INVALID_PARAMETER


def test_patient_search_by_nhs_number():
    assert parse_patient_search(_params(patient_search_params("9990000018"))) == "9990000018"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("https://example.org/id|9990000018", SpineError.INVALID_IDENTIFIER_SYSTEM),
        (f"{codes.SYSTEM_NHS_NUMBER}|9990000019", SpineError.INVALID_NHS_NUMBER),
    ],
)
def test_patient_search_refusals_carry_spine_codes(value, error):
    with pytest.raises(GPConnectError) as caught:
        parse_patient_search({"identifier": [value]})
    assert caught.value.error is error


def test_etags_are_weak_and_quoted():
    assert etag("23") == 'W/"23"'
    assert version_from_etag('W/"23"') == "23"
    assert version_from_etag('"23"') == "23"


def test_interactions_name_their_scope():
    assert Interaction.SEARCH_FREE_SLOTS.scope == "organization/*.read"
    assert Interaction.BOOK_APPOINTMENT.scope == "patient/*.write"
    assert Interaction.from_id(Interaction.CANCEL_APPOINTMENT.interaction_id) is (
        Interaction.CANCEL_APPOINTMENT
    )


def test_service_root_follows_the_gp_connect_format():
    assert service_root("http://127.0.0.1:8099/", "A10001") == (
        "http://127.0.0.1:8099/A10001/STU3/1/gpconnect"
    )
