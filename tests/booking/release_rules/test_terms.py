"""The terms release rules are stated in: releases describe themselves in plain English,
codes and types are normalised, and a naive time or an unknown audience is a programming
error."""

from datetime import datetime, time, timedelta

import pytest

from booking.release_rules.decisions import may_see
from booking.release_rules.terms import (
    Audience,
    Code,
    OpensBefore,
    OpensOnDay,
    Release,
    Searcher,
    SlotFacts,
)
from tests.booking.release_rules.builders import OWNER, london, slot_with

# Normalising codes and types --------------------------------------------------------------


def test_ods_codes_and_types_match_whatever_their_case_and_spacing():
    rule = Release(
        "urgent-care",
        ods_codes=frozenset({" rya01 "}),
        organisation_types=frozenset({"Urgent-Care"}),
    )
    searcher = Searcher("urgent-care", "Rya01", " URGENT-CARE")

    assert may_see(slot_with(rule), searcher, london(2026, 4, 1, 9)).allowed


def test_a_lone_ods_code_string_is_one_code_not_its_letters():
    rule = Release(Audience.HUB, ods_codes="Y00001")  # type: ignore[arg-type]

    assert rule.ods_codes == frozenset({"Y00001"})
    assert may_see(slot_with(rule), Searcher(Audience.HUB, "Y"), london(2026, 4, 1, 9)).code == (
        Code.ODS_NOT_LISTED
    )


def test_owner_is_matched_on_ods_code_whatever_its_case():
    slot = SlotFacts(start=london(2026, 4, 2, 18, 30), practice_ods="b20002 ")

    assert may_see(slot, Searcher("practice", "B20002"), london(2026, 4, 1, 9)).allowed
    assert not may_see(slot, Searcher("practice"), london(2026, 4, 1, 9)).allowed


# Programming errors ----------------------------------------------------------------------


def test_naive_slot_start_is_a_programming_error():
    with pytest.raises(ValueError, match=r"SlotFacts\.start must be a timezone-aware datetime"):
        SlotFacts(start=datetime(2026, 4, 2, 18, 30), practice_ods=OWNER)


def test_unknown_audience_is_a_programming_error():
    with pytest.raises(ValueError, match="'pharmacy' is not a valid Audience"):
        Searcher("pharmacy")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("opening", "words"),
    [
        (None, "Released to the hub"),
        (OpensBefore(timedelta(hours=2)), "Released to the hub from 2 hours before the start"),
        (OpensBefore(timedelta(minutes=90)),
         "Released to the hub from 1 hour 30 minutes before the start"),
        (OpensBefore(timedelta(days=7)), "Released to the hub from 7 days before the start"),
        (OpensBefore(timedelta(seconds=20)),
         "Released to the hub from less than a minute before the start"),
        (OpensBefore(timedelta(hours=-1)), "Released to the hub from 1 hour after the start"),
        (OpensOnDay(), "Released to the hub from midnight on the day"),
        (OpensOnDay(1, time(12)), "Released to the hub from midday the day before"),
        (OpensOnDay(3, time(18, 30)), "Released to the hub from 6:30pm 3 days before"),
        (OpensOnDay(-1, time(9, 5)), "Released to the hub from 9:05am the day after"),
    ],
)  # fmt: skip
def test_rule_describes_itself_in_plain_english(opening, words):
    assert Release(Audience.HUB, opens=opening).describe() == words
