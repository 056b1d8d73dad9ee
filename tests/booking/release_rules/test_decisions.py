"""The release rules by example: who may see and book a slot, and when, across both clock
changes."""

from datetime import UTC, time, timedelta

import pytest

from booking.release_rules.decisions import (
    effective_rules,
    may_book,
    may_see,
    opens_at,
    release_window,
)
from booking.release_rules.terms import (
    Audience,
    Code,
    OpensBefore,
    OpensOnDay,
    QuotaUse,
    Release,
    Searcher,
    Verdict,
)
from core.time import LONDON
from tests.booking.release_rules.builders import (
    NOTHING_USED,
    UC_ODS,
    hub,
    london,
    other_practice,
    own_practice,
    patient,
    slot_with,
    urgent_care,
)

# Who: audiences, the owning practice, GP Connect's matching table ---------------------------


def test_rule_releases_slot_to_its_audience_only():
    slot = slot_with(Release(Audience.HUB))
    now = london(2026, 4, 1, 9)

    assert may_see(slot, hub, now) == Verdict(True, Code.RELEASED, "Released to the hub.")
    refused = may_see(slot, urgent_care, now)
    assert (refused.allowed, refused.code) == (False, Code.NOT_RELEASED)
    assert refused.reason == "This slot is not released to urgent care."


def test_slot_without_rules_is_released_to_nobody_but_its_practice():
    slot = slot_with()
    now = london(2026, 4, 1, 9)

    assert [may_see(slot, s, now).code for s in (hub, urgent_care, patient)] == [
        Code.NOT_RELEASED
    ] * 3
    assert may_book(slot, own_practice, now, used=NOTHING_USED).code == Code.OWN_PRACTICE


def test_own_practice_books_regardless_of_embargo_cut_off_and_quota():
    rule = Release(
        Audience.HUB, opens=OpensOnDay(), cut_off=timedelta(hours=6), quota_per_session=0
    )
    slot = slot_with(rule)

    verdict = may_book(slot, own_practice, london(2026, 3, 1, 9), used=QuotaUse(9, 9))

    assert verdict.allowed
    assert verdict.code == Code.OWN_PRACTICE


def test_staff_of_another_practice_are_sent_to_the_hub():
    """A PRACTICE rule does not release to other practices: they book through the hub."""
    slot = slot_with(Release(Audience.PRACTICE), Release(Audience.HUB))

    verdict = may_see(slot, other_practice, london(2026, 4, 1, 9))

    assert (verdict.allowed, verdict.code) == (False, Code.NOT_RELEASED)
    assert "through the hub" in verdict.reason
    assert opens_at(slot, other_practice, london(2026, 4, 1, 9)) is None


def test_not_bookable_slot_stays_inside_its_practice():
    slot = slot_with(Release(Audience.HUB), bookable=False)
    now = london(2026, 4, 1, 9)

    refused = may_book(slot, hub, now, used=NOTHING_USED, override=True)

    assert (refused.allowed, refused.code) == (False, Code.NOT_BOOKABLE)
    assert refused.reason.startswith("The practice keeps this slot for its own use")
    assert may_book(slot, own_practice, now, used=NOTHING_USED).allowed
    assert release_window(slot, Audience.HUB) is None
    assert effective_rules(slot, now) == ()


def test_blocked_slot_refuses_even_its_own_practice_and_an_override():
    slot = slot_with(Release(Audience.HUB), blocked=True)
    now = london(2026, 4, 1, 9)

    for searcher in (own_practice, hub):
        verdict = may_book(slot, searcher, now, used=NOTHING_USED, override=True)
        assert (verdict.allowed, verdict.code) == (False, Code.BLOCKED)
        assert verdict.reason == "The practice has blocked this slot."
    assert opens_at(slot, own_practice, now) is None


def test_started_slot_refuses_everyone_even_with_override():
    slot = slot_with(Release(Audience.HUB))

    for searcher in (own_practice, hub):
        verdict = may_book(slot, searcher, slot.start, used=NOTHING_USED, override=True)
        assert (verdict.allowed, verdict.code) == (False, Code.IN_THE_PAST)
        assert verdict.reason == "This slot started at 6:30pm on Thursday 2 April 2026."


A, B = "A10001", "B20002"
UC, GP = "urgent-care", "gp-practice"


@pytest.mark.parametrize(
    ("ods_codes", "types", "searcher_ods", "searcher_type", "expected"),
    [
        # No restriction: every consumer of the audience, even one that says nothing.
        ((), (), None, None, Code.RELEASED),
        ((), (), B, GP, Code.RELEASED),
        # Organisation type only: the type must match; the ODS code does not matter.
        ((), (UC,), B, UC, Code.RELEASED),
        ((), (UC,), None, UC, Code.RELEASED),
        ((), (UC,), A, GP, Code.ORG_TYPE_NOT_LISTED),
        ((), (UC,), A, None, Code.ORG_TYPE_NOT_LISTED),
        # ODS codes only: the code must be listed; the type does not matter.
        ((A,), (), A, None, Code.RELEASED),
        ((A, B), (), B, GP, Code.RELEASED),
        ((A,), (), B, UC, Code.ODS_NOT_LISTED),
        ((A,), (), None, UC, Code.ODS_NOT_LISTED),
        # Both: both must match.
        ((A,), (UC,), A, UC, Code.RELEASED),
        ((A,), (UC,), A, GP, Code.ORG_TYPE_NOT_LISTED),
        ((A,), (UC,), B, UC, Code.ODS_NOT_LISTED),
        ((A,), (UC,), None, None, Code.ODS_NOT_LISTED),
    ],
)
def test_searcher_matches_slot_by_gp_connect_table(
    ods_codes, types, searcher_ods, searcher_type, expected
):
    """GP Connect 1.2.7 slot availability: each list restricts only where set."""
    rule = Release(
        Audience.URGENT_CARE, ods_codes=frozenset(ods_codes), organisation_types=frozenset(types)
    )
    searcher = Searcher(Audience.URGENT_CARE, searcher_ods, searcher_type)

    verdict = may_see(slot_with(rule), searcher, london(2026, 4, 1, 9))

    assert verdict.code == expected
    assert verdict.allowed is (expected == Code.RELEASED)


def test_ods_refusal_names_the_listed_codes_and_the_searchers():
    rule = Release(Audience.URGENT_CARE, ods_codes=frozenset({"RYA02", "RYA01X"}))

    verdict = may_see(slot_with(rule), urgent_care, london(2026, 4, 1, 9))

    assert verdict.reason == (
        "Released to urgent care only for named organisations (RYA01X, RYA02): yours (RYA01)."
    )


def test_org_type_refusal_says_when_no_type_was_given():
    rule = Release(Audience.URGENT_CARE, organisation_types=frozenset({"oohs"}))
    searcher = Searcher(Audience.URGENT_CARE, UC_ODS)

    verdict = may_see(slot_with(rule), searcher, london(2026, 4, 1, 9))

    assert verdict.reason == (
        "Released to urgent care only for some kinds of organisation (oohs): "
        "no organisation type was given."
    )


# When: embargo and cut-off -------------------------------------------------------------------


def test_embargo_before_start_opens_exactly_at_the_lead_time():
    slot = slot_with(Release(Audience.ONLINE, opens=OpensBefore(timedelta(hours=48))))
    opening = london(2026, 3, 31, 18, 30)

    before = may_see(slot, patient, opening - timedelta(microseconds=1))

    assert (before.allowed, before.code) == (False, Code.EMBARGOED)
    assert before.reason == (
        "Released to patients online from 48 hours before the start: "
        "bookable from 6:30pm on Tuesday 31 March 2026."
    )
    assert may_see(slot, patient, opening).allowed


def test_urgent_care_on_the_day_from_8am():
    rule = Release(Audience.URGENT_CARE, opens=OpensOnDay(at=time(8)))
    slot = slot_with(rule)

    refused = may_see(slot, urgent_care, london(2026, 4, 2, 7, 59))

    assert refused.code == Code.EMBARGOED
    assert refused.reason.startswith("Released to urgent care from 8am on the day")
    allowed = may_see(slot, urgent_care, london(2026, 4, 2, 8))
    assert allowed == Verdict(True, Code.RELEASED, "Released to urgent care from 8am on the day.")


def test_embargo_days_before_at_local_midnight():
    rule = Release(Audience.ONLINE, opens=OpensOnDay(days_before=2))
    slot = slot_with(rule)  # Thursday 2 April 2026, 6:30pm

    assert not may_see(slot, patient, london(2026, 3, 30, 23, 59, 59)).allowed
    assert may_see(slot, patient, london(2026, 3, 31)).allowed
    assert rule.describe() == "Released to patients online from midnight 2 days before"


def test_cut_off_closes_bookings_exactly_that_long_before_the_start():
    slot = slot_with(Release(Audience.HUB, cut_off=timedelta(minutes=30)))

    assert may_see(slot, hub, london(2026, 4, 2, 17, 59, 59)).allowed
    refused = may_see(slot, hub, london(2026, 4, 2, 18))
    assert (refused.allowed, refused.code) == (False, Code.CUT_OFF)
    assert refused.reason == (
        "Bookings by the hub close 30 minutes before the start: "
        "closed at 6pm on Thursday 2 April 2026."
    )


def test_rule_whose_embargo_lifts_after_its_cut_off_never_opens():
    rule = Release(
        Audience.URGENT_CARE, opens=OpensOnDay(at=time(18, 15)), cut_off=timedelta(minutes=30)
    )
    slot = slot_with(rule)

    verdict = may_see(slot, urgent_care, london(2026, 4, 2, 9))

    assert verdict.code == Code.CUT_OFF
    assert verdict.reason == (
        "Released to urgent care from 6:15pm on the day, but bookings close "
        "30 minutes before the start, so it never opens."
    )
    assert opens_at(slot, urgent_care, london(2026, 4, 2, 9)) is None


def test_opens_at_tells_a_patient_when_online_booking_opens():
    saturday_evening = london(2026, 4, 4, 18, 30)
    slot = slot_with(
        Release(Audience.ONLINE, opens=OpensBefore(timedelta(hours=48))),
        start=saturday_evening,
    )

    opening = opens_at(slot, patient, london(2026, 3, 30, 12))

    assert opening == london(2026, 4, 2, 18, 30)
    assert opening is not None and opening.tzinfo is UTC
    assert opening.astimezone(LONDON).strftime("%a %H:%M") == "Thu 18:30"


def test_opens_at_is_now_when_already_bookable_and_none_when_never():
    slot = slot_with(Release(Audience.HUB, cut_off=timedelta(hours=1)))
    now = london(2026, 4, 2, 9)

    assert opens_at(slot, hub, now) == now
    assert opens_at(slot, own_practice, now) == now
    assert opens_at(slot, urgent_care, now) is None
    assert opens_at(slot, hub, london(2026, 4, 2, 17, 30)) is None


def test_opens_at_picks_the_earliest_rule_the_searcher_matches():
    slot = slot_with(
        Release(Audience.ONLINE, opens=OpensOnDay()),
        Release(Audience.ONLINE, opens=OpensBefore(timedelta(days=7)), ods_codes=frozenset({A})),
        Release(Audience.ONLINE, opens=OpensBefore(timedelta(hours=48))),
    )
    now = london(2026, 3, 20, 9)

    assert opens_at(slot, patient, now) == london(2026, 3, 31, 18, 30)
    # Seven days of elapsed time reach back before the spring change: 5:30pm GMT.
    assert opens_at(slot, Searcher(Audience.ONLINE, A), now) == london(2026, 3, 26, 17, 30)


def test_refusal_reports_the_rule_closest_to_letting_the_searcher_in():
    """Told "embargoed until 8am", a receptionist knows to wait; "not listed" would mislead."""
    slot = slot_with(
        Release(Audience.URGENT_CARE, ods_codes=frozenset({"RYA99"})),
        Release(Audience.URGENT_CARE, opens=OpensOnDay(at=time(12))),
        Release(Audience.URGENT_CARE, opens=OpensOnDay(at=time(8))),
    )

    verdict = may_see(slot, urgent_care, london(2026, 4, 2, 6))

    assert verdict.code == Code.EMBARGOED
    assert verdict.reason.endswith("bookable from 8am on Thursday 2 April 2026.")
