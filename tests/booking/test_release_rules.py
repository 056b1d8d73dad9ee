"""Release rules: who may see and book a slot, and when, across both clock changes."""

import ast
import random
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from booking import release_rules
from booking.release_rules import (
    LONDON,
    OVERRIDABLE,
    Audience,
    Code,
    OpensBefore,
    OpensOnDay,
    QuotaUse,
    ReleaseRule,
    ReleaseWindow,
    Searcher,
    SlotFacts,
    Verdict,
    effective_rules,
    may_book,
    may_see,
    opens_at,
    release_window,
    widen_release,
)

OWNER = "B20002"
HUB_ODS = "Y00001"
UC_ODS = "RYA01"
NOTHING_USED = QuotaUse()

hub = Searcher(Audience.HUB, HUB_ODS, "hub")
urgent_care = Searcher(Audience.URGENT_CARE, UC_ODS, "urgent-care")
patient = Searcher(Audience.ONLINE)
own_practice = Searcher(Audience.PRACTICE, OWNER, "gp-practice")
other_practice = Searcher(Audience.PRACTICE, "C30003", "gp-practice")


def london(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=LONDON, fold=fold)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slot_with(*rules: ReleaseRule, start: datetime | None = None, **facts) -> SlotFacts:
    return SlotFacts(
        start=start or london(2026, 4, 2, 18, 30), practice_ods=OWNER, rules=rules, **facts
    )


# Who: audiences, the owning practice, GP Connect's matching table ---------------------------


def test_rule_releases_slot_to_its_audience_only():
    slot = slot_with(ReleaseRule(Audience.HUB))
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
    rule = ReleaseRule(
        Audience.HUB, opens=OpensOnDay(), cut_off=timedelta(hours=6), quota_per_session=0
    )
    slot = slot_with(rule)

    verdict = may_book(slot, own_practice, london(2026, 3, 1, 9), used=QuotaUse(9, 9))

    assert verdict.allowed
    assert verdict.code == Code.OWN_PRACTICE


def test_staff_of_another_practice_are_sent_to_the_hub():
    """A PRACTICE rule does not release to other practices: they book through the hub."""
    slot = slot_with(ReleaseRule(Audience.PRACTICE), ReleaseRule(Audience.HUB))

    verdict = may_see(slot, other_practice, london(2026, 4, 1, 9))

    assert (verdict.allowed, verdict.code) == (False, Code.NOT_RELEASED)
    assert "through the hub" in verdict.reason
    assert opens_at(slot, other_practice, london(2026, 4, 1, 9)) is None


def test_not_bookable_slot_stays_inside_its_practice():
    slot = slot_with(ReleaseRule(Audience.HUB), bookable=False)
    now = london(2026, 4, 1, 9)

    refused = may_book(slot, hub, now, used=NOTHING_USED, override=True)

    assert (refused.allowed, refused.code) == (False, Code.NOT_BOOKABLE)
    assert refused.reason.startswith("The practice keeps this slot for its own use")
    assert may_book(slot, own_practice, now, used=NOTHING_USED).allowed
    assert release_window(slot, Audience.HUB) is None
    assert effective_rules(slot, now) == ()


def test_blocked_slot_refuses_even_its_own_practice_and_an_override():
    slot = slot_with(ReleaseRule(Audience.HUB), blocked=True)
    now = london(2026, 4, 1, 9)

    for searcher in (own_practice, hub):
        verdict = may_book(slot, searcher, now, used=NOTHING_USED, override=True)
        assert (verdict.allowed, verdict.code) == (False, Code.BLOCKED)
        assert verdict.reason == "The practice has blocked this slot."
    assert opens_at(slot, own_practice, now) is None


def test_started_slot_refuses_everyone_even_with_override():
    slot = slot_with(ReleaseRule(Audience.HUB))

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
    rule = ReleaseRule(
        Audience.URGENT_CARE, ods_codes=frozenset(ods_codes), organisation_types=frozenset(types)
    )
    searcher = Searcher(Audience.URGENT_CARE, searcher_ods, searcher_type)

    verdict = may_see(slot_with(rule), searcher, london(2026, 4, 1, 9))

    assert verdict.code == expected
    assert verdict.allowed is (expected == Code.RELEASED)


def test_ods_refusal_names_the_listed_codes_and_the_searchers():
    rule = ReleaseRule(Audience.URGENT_CARE, ods_codes=frozenset({"RYA02", "RYA01X"}))

    verdict = may_see(slot_with(rule), urgent_care, london(2026, 4, 1, 9))

    assert verdict.reason == (
        "Released to urgent care only for named organisations (RYA01X, RYA02): yours (RYA01)."
    )


def test_org_type_refusal_says_when_no_type_was_given():
    rule = ReleaseRule(Audience.URGENT_CARE, organisation_types=frozenset({"oohs"}))
    searcher = Searcher(Audience.URGENT_CARE, UC_ODS)

    verdict = may_see(slot_with(rule), searcher, london(2026, 4, 1, 9))

    assert verdict.reason == (
        "Released to urgent care only for some kinds of organisation (oohs): "
        "no organisation type was given."
    )


def test_ods_codes_and_types_match_whatever_their_case_and_spacing():
    rule = ReleaseRule(
        "urgent-care",
        ods_codes=frozenset({" rya01 "}),
        organisation_types=frozenset({"Urgent-Care"}),
    )
    searcher = Searcher("urgent-care", "Rya01", " URGENT-CARE")

    assert may_see(slot_with(rule), searcher, london(2026, 4, 1, 9)).allowed


def test_a_lone_ods_code_string_is_one_code_not_its_letters():
    rule = ReleaseRule(Audience.HUB, ods_codes="Y00001")  # type: ignore[arg-type]

    assert rule.ods_codes == frozenset({"Y00001"})
    assert may_see(slot_with(rule), Searcher(Audience.HUB, "Y"), london(2026, 4, 1, 9)).code == (
        Code.ODS_NOT_LISTED
    )


def test_owner_is_matched_on_ods_code_whatever_its_case():
    slot = SlotFacts(start=london(2026, 4, 2, 18, 30), practice_ods="b20002 ")

    assert may_see(slot, Searcher("practice", "B20002"), london(2026, 4, 1, 9)).allowed
    assert not may_see(slot, Searcher("practice"), london(2026, 4, 1, 9)).allowed


# When: embargo and cut-off -------------------------------------------------------------------


def test_embargo_before_start_opens_exactly_at_the_lead_time():
    slot = slot_with(ReleaseRule(Audience.ONLINE, opens=OpensBefore(timedelta(hours=48))))
    opening = london(2026, 3, 31, 18, 30)

    before = may_see(slot, patient, opening - timedelta(microseconds=1))

    assert (before.allowed, before.code) == (False, Code.EMBARGOED)
    assert before.reason == (
        "Released to patients online from 48 hours before the start: "
        "bookable from 6:30pm on Tuesday 31 March 2026."
    )
    assert may_see(slot, patient, opening).allowed


def test_urgent_care_on_the_day_from_8am():
    rule = ReleaseRule(Audience.URGENT_CARE, opens=OpensOnDay(at=time(8)))
    slot = slot_with(rule)

    refused = may_see(slot, urgent_care, london(2026, 4, 2, 7, 59))

    assert refused.code == Code.EMBARGOED
    assert refused.reason.startswith("Released to urgent care from 8am on the day")
    allowed = may_see(slot, urgent_care, london(2026, 4, 2, 8))
    assert allowed == Verdict(True, Code.RELEASED, "Released to urgent care from 8am on the day.")


def test_embargo_days_before_at_local_midnight():
    rule = ReleaseRule(Audience.ONLINE, opens=OpensOnDay(days_before=2))
    slot = slot_with(rule)  # Thursday 2 April 2026, 6:30pm

    assert not may_see(slot, patient, london(2026, 3, 30, 23, 59, 59)).allowed
    assert may_see(slot, patient, london(2026, 3, 31)).allowed
    assert rule.describe() == "Released to patients online from midnight 2 days before"


def test_cut_off_closes_bookings_exactly_that_long_before_the_start():
    slot = slot_with(ReleaseRule(Audience.HUB, cut_off=timedelta(minutes=30)))

    assert may_see(slot, hub, london(2026, 4, 2, 17, 59, 59)).allowed
    refused = may_see(slot, hub, london(2026, 4, 2, 18))
    assert (refused.allowed, refused.code) == (False, Code.CUT_OFF)
    assert refused.reason == (
        "Bookings by the hub close 30 minutes before the start: "
        "closed at 6pm on Thursday 2 April 2026."
    )


def test_rule_whose_embargo_lifts_after_its_cut_off_never_opens():
    rule = ReleaseRule(
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
        ReleaseRule(Audience.ONLINE, opens=OpensBefore(timedelta(hours=48))),
        start=saturday_evening,
    )

    opening = opens_at(slot, patient, london(2026, 3, 30, 12))

    assert opening == london(2026, 4, 2, 18, 30)
    assert opening is not None and opening.tzinfo is UTC
    assert opening.astimezone(LONDON).strftime("%a %H:%M") == "Thu 18:30"


def test_opens_at_is_now_when_already_bookable_and_none_when_never():
    slot = slot_with(ReleaseRule(Audience.HUB, cut_off=timedelta(hours=1)))
    now = london(2026, 4, 2, 9)

    assert opens_at(slot, hub, now) == now
    assert opens_at(slot, own_practice, now) == now
    assert opens_at(slot, urgent_care, now) is None
    assert opens_at(slot, hub, london(2026, 4, 2, 17, 30)) is None


def test_opens_at_picks_the_earliest_rule_the_searcher_matches():
    slot = slot_with(
        ReleaseRule(Audience.ONLINE, opens=OpensOnDay()),
        ReleaseRule(
            Audience.ONLINE, opens=OpensBefore(timedelta(days=7)), ods_codes=frozenset({A})
        ),
        ReleaseRule(Audience.ONLINE, opens=OpensBefore(timedelta(hours=48))),
    )
    now = london(2026, 3, 20, 9)

    assert opens_at(slot, patient, now) == london(2026, 3, 31, 18, 30)
    # Seven days of elapsed time reach back before the spring change: 5:30pm GMT.
    assert opens_at(slot, Searcher(Audience.ONLINE, A), now) == london(2026, 3, 26, 17, 30)


def test_refusal_reports_the_rule_closest_to_letting_the_searcher_in():
    """Told "embargoed until 8am", a receptionist knows to wait; "not listed" would mislead."""
    slot = slot_with(
        ReleaseRule(Audience.URGENT_CARE, ods_codes=frozenset({"RYA99"})),
        ReleaseRule(Audience.URGENT_CARE, opens=OpensOnDay(at=time(12))),
        ReleaseRule(Audience.URGENT_CARE, opens=OpensOnDay(at=time(8))),
    )

    verdict = may_see(slot, urgent_care, london(2026, 4, 2, 6))

    assert verdict.code == Code.EMBARGOED
    assert verdict.reason.endswith("bookable from 8am on Thursday 2 April 2026.")


# Quotas ------------------------------------------------------------------------------------


def test_quota_per_session_refuses_the_booking_after_the_nth():
    slot = slot_with(ReleaseRule(Audience.HUB, quota_per_session=2))
    now = london(2026, 4, 1, 9)

    assert may_book(slot, hub, now, used=QuotaUse(in_session=1, on_day=5)).allowed
    refused = may_book(slot, hub, now, used=QuotaUse(in_session=2))
    assert (refused.allowed, refused.code) == (False, Code.QUOTA_REACHED)
    assert refused.reason == (
        "Your organisation already has 2 bookings in this session, the most allowed for the hub."
    )


def test_quota_per_day_refuses_the_booking_after_the_nth():
    slot = slot_with(ReleaseRule(Audience.URGENT_CARE, quota_per_day=1))
    now = london(2026, 4, 1, 9)

    assert may_book(slot, urgent_care, now, used=QuotaUse(in_session=7, on_day=0)).allowed
    refused = may_book(slot, urgent_care, now, used=QuotaUse(on_day=1))
    assert refused.code == Code.QUOTA_REACHED
    assert refused.reason == (
        "Your organisation already has 1 booking on this day, the most allowed for urgent care."
    )


def test_quota_does_not_hide_the_slot_from_search():
    slot = slot_with(ReleaseRule(Audience.HUB, quota_per_session=0))

    assert may_see(slot, hub, london(2026, 4, 1, 9)).allowed
    assert not may_book(slot, hub, london(2026, 4, 1, 9), used=NOTHING_USED).allowed


def test_a_rule_without_quota_lets_the_searcher_past_another_rules_quota():
    slot = slot_with(
        ReleaseRule(Audience.HUB, quota_per_session=1),
        ReleaseRule(Audience.HUB, ods_codes=frozenset({HUB_ODS})),
    )

    assert may_book(slot, hub, london(2026, 4, 1, 9), used=QuotaUse(5, 5)).allowed


# Overrides ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "now", "used", "refused_code"),
    [
        (ReleaseRule(Audience.HUB, opens=OpensOnDay()), london(2026, 4, 1, 9), NOTHING_USED,
         Code.EMBARGOED),
        (ReleaseRule(Audience.HUB, cut_off=timedelta(hours=2)), london(2026, 4, 2, 17),
         NOTHING_USED, Code.CUT_OFF),
        (ReleaseRule(Audience.HUB, quota_per_day=3), london(2026, 4, 1, 9), QuotaUse(on_day=3),
         Code.QUOTA_REACHED),
    ],
)  # fmt: skip
def test_override_lifts_embargo_cut_off_and_quota_and_says_so(rule, now, used, refused_code):
    slot = slot_with(rule)

    without = may_book(slot, hub, now, used=used)
    overridden = may_book(slot, hub, now, used=used, override=True)

    assert (without.allowed, without.code) == (False, refused_code)
    assert (overridden.allowed, overridden.code) == (True, Code.OVERRIDDEN)
    assert overridden.reason == f"Allowed by override. {without.reason}"
    assert overridden.overridden == refused_code  # the audit trail names the rule set aside


def test_an_override_that_was_not_needed_is_not_reported_as_one():
    slot = slot_with(ReleaseRule(Audience.HUB))

    verdict = may_book(slot, hub, london(2026, 4, 1, 9), used=NOTHING_USED, override=True)

    assert (verdict.allowed, verdict.code, verdict.overridden) == (True, Code.RELEASED, None)


def test_override_does_not_release_a_slot_to_someone_it_was_not_released_to():
    slot = slot_with(ReleaseRule(Audience.HUB, ods_codes=frozenset({"Y99999"})))

    for searcher, code in ((hub, Code.ODS_NOT_LISTED), (urgent_care, Code.NOT_RELEASED)):
        verdict = may_book(slot, searcher, london(2026, 4, 1, 9), used=NOTHING_USED, override=True)
        assert (verdict.allowed, verdict.code) == (False, code)


def test_override_not_needed_is_not_reported_as_used():
    slot = slot_with(ReleaseRule(Audience.HUB))

    verdict = may_book(slot, hub, london(2026, 4, 1, 9), used=NOTHING_USED, override=True)

    assert verdict.code == Code.RELEASED


# Automatic widening, effective rules, windows for the index -----------------------------------


def test_unbooked_hub_slot_widens_to_urgent_care_and_online_two_hours_before():
    slot = slot_with(
        ReleaseRule(Audience.HUB),
        *widen_release(lead=timedelta(hours=2), to=[Audience.URGENT_CARE, Audience.ONLINE]),
    )
    just_before, at_release = london(2026, 4, 2, 16, 29), london(2026, 4, 2, 16, 30)

    assert [may_see(slot, s, just_before).code for s in (hub, urgent_care, patient)] == [
        Code.RELEASED,
        Code.EMBARGOED,
        Code.EMBARGOED,
    ]
    assert all(may_see(slot, s, at_release).allowed for s in (hub, urgent_care, patient))
    assert [r.audience for r in effective_rules(slot, just_before)] == [Audience.HUB]
    assert {r.audience for r in effective_rules(slot, at_release)} == set(Audience) - {
        Audience.PRACTICE
    }


def test_widen_release_makes_one_unrestricted_rule_per_audience():
    rules = widen_release(
        lead=timedelta(hours=2), to=["online", Audience.ONLINE, "hub"], cut_off=timedelta(minutes=5)
    )

    assert rules == (
        ReleaseRule(Audience.HUB, OpensBefore(timedelta(hours=2)), timedelta(minutes=5)),
        ReleaseRule(Audience.ONLINE, OpensBefore(timedelta(hours=2)), timedelta(minutes=5)),
    )


def test_effective_rules_leave_out_rules_past_their_cut_off():
    closing = ReleaseRule(Audience.HUB, cut_off=timedelta(hours=1))
    late = ReleaseRule(Audience.URGENT_CARE, opens=OpensBefore(timedelta(hours=3)))
    slot = slot_with(closing, late)

    assert effective_rules(slot, london(2026, 4, 2, 15)) == (closing,)
    assert effective_rules(slot, london(2026, 4, 2, 16)) == (closing, late)
    assert effective_rules(slot, london(2026, 4, 2, 17, 30)) == (late,)
    assert effective_rules(slot, london(2026, 4, 2, 18, 30)) == ()


def test_release_window_spans_the_audiences_rules_for_the_search_index():
    slot = slot_with(
        ReleaseRule(
            Audience.ONLINE, opens=OpensBefore(timedelta(hours=48)), cut_off=timedelta(hours=1)
        ),
        ReleaseRule(Audience.ONLINE, opens=OpensOnDay(), cut_off=timedelta(minutes=10)),
        ReleaseRule(Audience.HUB, ods_codes=frozenset({HUB_ODS})),
    )

    online = release_window(slot, Audience.ONLINE)
    hub_window = release_window(slot, Audience.HUB)

    assert online == ReleaseWindow(utc(2026, 3, 31, 17, 30), utc(2026, 4, 2, 17, 20), exact=True)
    assert hub_window is not None and not hub_window.exact
    assert release_window(slot, Audience.URGENT_CARE) is None
    assert release_window(slot, Audience.PRACTICE) is None


def test_release_window_with_a_gap_between_rules_is_not_exact():
    slot = slot_with(
        ReleaseRule(Audience.HUB, cut_off=timedelta(hours=48)),
        ReleaseRule(Audience.HUB, opens=OpensBefore(timedelta(hours=2))),
    )

    window = release_window(slot, Audience.HUB)

    assert window is not None and not window.exact
    assert not may_see(slot, hub, london(2026, 4, 1, 9)).allowed  # inside the span, in the gap


# Clock changes: 29 March 2026 (01:00 GMT -> 02:00 BST), 25 October 2026 (02:00 BST -> 01:00 GMT)


def test_on_the_day_after_spring_change_opens_at_local_not_utc_midnight():
    """00:30 BST on Monday is 23:30 UTC on Sunday: a UTC date would open a day early."""
    slot = slot_with(
        ReleaseRule(Audience.URGENT_CARE, opens=OpensOnDay()), start=london(2026, 3, 30, 0, 30)
    )

    assert not may_see(slot, urgent_care, utc(2026, 3, 29, 22, 59, 59)).allowed
    assert may_see(slot, urgent_care, utc(2026, 3, 29, 23)).allowed
    assert opens_at(slot, urgent_care, utc(2026, 3, 29, 12)) == london(2026, 3, 30)


def test_on_the_day_of_spring_change_opens_at_midnight_gmt():
    slot = slot_with(
        ReleaseRule(Audience.URGENT_CARE, opens=OpensOnDay()), start=london(2026, 3, 29, 9)
    )

    assert not may_see(slot, urgent_care, utc(2026, 3, 28, 23, 59, 59)).allowed
    assert may_see(slot, urgent_care, utc(2026, 3, 29, 0)).allowed  # 8 elapsed hours before


def test_on_the_day_of_autumn_change_opens_at_midnight_bst():
    slot = slot_with(
        ReleaseRule(Audience.URGENT_CARE, opens=OpensOnDay()), start=london(2026, 10, 25, 9)
    )

    assert not may_see(slot, urgent_care, utc(2026, 10, 24, 22, 59, 59)).allowed
    assert may_see(slot, urgent_care, utc(2026, 10, 24, 23)).allowed


def test_on_the_day_at_half_past_midnight_around_the_autumn_change():
    early_bst = slot_with(
        ReleaseRule(Audience.HUB, opens=OpensOnDay()), start=london(2026, 10, 25, 0, 30)
    )
    early_gmt = slot_with(
        ReleaseRule(Audience.HUB, opens=OpensOnDay()), start=london(2026, 10, 26, 0, 30)
    )

    assert opens_at(early_bst, hub, utc(2026, 10, 20)) == utc(2026, 10, 24, 23)
    assert opens_at(early_gmt, hub, utc(2026, 10, 20)) == utc(2026, 10, 26, 0)
    assert not may_see(early_gmt, hub, utc(2026, 10, 25, 23, 59)).allowed


def test_lead_time_across_spring_change_is_elapsed_hours():
    slot = slot_with(
        ReleaseRule(Audience.ONLINE, opens=OpensBefore(timedelta(hours=48))),
        start=london(2026, 3, 30, 18, 30),
    )

    verdict = may_see(slot, patient, utc(2026, 3, 28, 17, 29))

    assert verdict.reason.endswith("bookable from 5:30pm on Saturday 28 March 2026.")
    assert may_see(slot, patient, utc(2026, 3, 28, 17, 30)).allowed


def test_days_before_across_spring_change_counts_calendar_days():
    slot = slot_with(
        ReleaseRule(Audience.ONLINE, opens=OpensOnDay(days_before=2)),
        start=london(2026, 3, 30, 18, 30),
    )

    assert opens_at(slot, patient, utc(2026, 3, 1)) == london(2026, 3, 28)


def test_opening_in_the_skipped_hour_lands_after_the_jump():
    slot = slot_with(
        ReleaseRule(Audience.HUB, opens=OpensOnDay(at=time(1, 30))), start=london(2026, 3, 29, 9)
    )

    assert opens_at(slot, hub, utc(2026, 3, 28)) == utc(2026, 3, 29, 1, 30)  # 02:30 BST


def test_opening_in_the_repeated_hour_is_its_first_occurrence():
    slot = slot_with(
        ReleaseRule(Audience.HUB, opens=OpensOnDay(at=time(1, 30))), start=london(2026, 10, 25, 9)
    )

    assert opens_at(slot, hub, utc(2026, 10, 24)) == utc(2026, 10, 25, 0, 30)  # 01:30 BST


def test_repeated_hour_is_compared_as_instants_not_wall_clock():
    """01:40 BST happens before 01:20 GMT: comparing wall clocks would say the reverse."""
    rule = ReleaseRule(Audience.HUB)
    later_slot = slot_with(rule, start=london(2026, 10, 25, 1, 20, fold=1))
    earlier_slot = slot_with(rule, start=london(2026, 10, 25, 1, 40))

    assert may_see(later_slot, hub, london(2026, 10, 25, 1, 40)).allowed
    assert may_see(earlier_slot, hub, london(2026, 10, 25, 1, 20, fold=1)).code == Code.IN_THE_PAST


def test_cut_off_across_spring_change():
    slot = slot_with(
        ReleaseRule(Audience.HUB, cut_off=timedelta(minutes=30)), start=london(2026, 3, 29, 2, 15)
    )

    assert slot.start == utc(2026, 3, 29, 1, 15)
    assert may_see(slot, hub, utc(2026, 3, 29, 0, 44)).allowed
    refused = may_see(slot, hub, utc(2026, 3, 29, 0, 45))
    assert refused.reason.endswith("closed at 12:45am on Sunday 29 March 2026.")


# Programming errors and purity -------------------------------------------------------------


def test_naive_now_is_a_programming_error():
    slot = slot_with(ReleaseRule(Audience.HUB))
    naive = datetime(2026, 4, 1, 9)

    for call in (
        lambda: may_see(slot, hub, naive),
        lambda: may_book(slot, hub, naive, used=NOTHING_USED),
        lambda: opens_at(slot, hub, naive),
        lambda: effective_rules(slot, naive),
    ):
        with pytest.raises(ValueError, match="now must be a timezone-aware datetime"):
            call()


def test_naive_slot_start_is_a_programming_error():
    with pytest.raises(ValueError, match=r"SlotFacts\.start must be a timezone-aware datetime"):
        SlotFacts(start=datetime(2026, 4, 2, 18, 30), practice_ods=OWNER)


def test_unknown_audience_is_a_programming_error():
    with pytest.raises(ValueError, match="'pharmacy' is not a valid Audience"):
        Searcher("pharmacy")  # type: ignore[arg-type]


def test_module_imports_only_the_standard_library():
    """Pure: no Django, no models, no settings, so search and booking can share it freely."""
    tree = ast.parse(Path(release_rules.__file__).read_text())
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }

    assert imported <= {"enum", "collections", "dataclasses", "datetime", "typing", "zoneinfo"}


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
    assert ReleaseRule(Audience.HUB, opens=opening).describe() == words


# Properties --------------------------------------------------------------------------------

ODS_POOL = ("A10001", OWNER, "C30003")
TYPE_POOL = ("urgent-care", "gp-practice", "oohs")
ZONES = st.sampled_from([UTC, LONDON])
# Safe opening times: none falls in the hour the UK clocks skip or repeat.
SAFE_TIME_VALUES = [time(0), time(8), time(12), time(18, 30), time(23, 59)]
SAFE_TIMES = st.sampled_from(SAFE_TIME_VALUES)

instants = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 1, 31), timezones=ZONES
)
# Slot starts: any time of the year, or awkward London times around the 2026 clock changes.
CHANGE_DAYS = [
    *(date(2026, 3, day) for day in range(27, 32)),
    date(2026, 7, 1),
    *(date(2026, 10, day) for day in range(23, 28)),
]
AWKWARD_TIMES = [time(0), time(0, 30), time(0, 59), time(1), time(1, 30), time(2, 15), time(23, 30)]
starts = st.one_of(
    instants,
    st.builds(
        lambda day, at, fold, zone: (
            datetime.combine(day, at, LONDON).replace(fold=fold).astimezone(zone)
        ),
        st.sampled_from(CHANGE_DAYS),
        st.sampled_from(AWKWARD_TIMES) | st.times(),
        st.integers(0, 1),
        ZONES,
    ),
)
# How long before the start "now" is: often close to it, where cut-offs and embargoes bite.
befores = st.one_of(
    st.timedeltas(timedelta(hours=-1), timedelta(hours=5)),
    st.timedeltas(timedelta(hours=-6), timedelta(days=5)),
)
embargoes = st.one_of(
    st.builds(OpensBefore, st.timedeltas(timedelta(0), timedelta(days=4))),
    st.builds(OpensOnDay, st.integers(0, 3), st.sampled_from([*SAFE_TIME_VALUES, time(1, 30)])),
)
openings = st.none() | embargoes
NO_CODES: frozenset[str] = frozenset()
# Weighted so that a searcher often shares an audience with some rule.
AUDIENCES = [Audience.HUB, Audience.HUB, Audience.URGENT_CARE, Audience.ONLINE, Audience.PRACTICE]
rules = st.builds(
    ReleaseRule,
    audience=st.sampled_from(AUDIENCES),
    opens=openings,
    cut_off=st.timedeltas(timedelta(0), timedelta(hours=4)),
    ods_codes=st.just(NO_CODES) | st.frozensets(st.sampled_from(ODS_POOL), max_size=2),
    organisation_types=st.just(NO_CODES) | st.frozensets(st.sampled_from(TYPE_POOL), max_size=2),
    quota_per_session=st.none() | st.integers(0, 3),
    quota_per_day=st.none() | st.integers(0, 3),
)
searchers = st.builds(
    Searcher,
    audience=st.sampled_from(AUDIENCES),
    ods_code=st.none() | st.sampled_from(ODS_POOL),
    organisation_type=st.none() | st.sampled_from(TYPE_POOL),
)
outsiders = searchers.filter(lambda s: s.audience is not Audience.PRACTICE or s.ods_code != OWNER)
BOOLEANS = st.booleans()
# Mostly the interesting case: a bookable slot that is not blocked.
MOSTLY_TRUE = st.sampled_from([True, True, True, False])
MOSTLY_FALSE = st.sampled_from([False, False, False, True])
# The core properties need many examples to reach a cut-off or a filter at the right moment.
THOROUGH = settings(max_examples=300)
uses = st.builds(QuotaUse, st.integers(0, 4), st.integers(0, 4))


def _before(start: datetime, before: timedelta, zone: ZoneInfo | timezone) -> datetime:
    """`before` ahead of `start` in elapsed time, shown in `zone`."""
    return (start.astimezone(UTC) - before).astimezone(zone)


@st.composite
def scenes(draw, bookable=MOSTLY_TRUE, blocked=MOSTLY_FALSE):
    """A slot and a moment near it: mostly before the start, sometimes just after."""
    start = draw(starts)
    slot = SlotFacts(
        start=start,
        practice_ods=OWNER,
        bookable=draw(bookable),
        blocked=draw(blocked),
        rules=tuple(draw(st.lists(rules, max_size=4))),
    )
    return slot, _before(start, draw(befores), draw(ZONES))


def _future(slot: SlotFacts, now: datetime) -> bool:
    """Compared in UTC: two London datetimes compare by wall clock, fold ignored."""
    return now.astimezone(UTC) < slot.start.astimezone(UTC)


@given(scenes(blocked=st.just(False)), uses, st.booleans())
def test_own_practice_may_always_book_its_unblocked_future_slots(scene, used, override):
    slot, now = scene
    assume(_future(slot, now))

    verdict = may_book(slot, own_practice, now, used=used, override=override)

    assert (verdict.allowed, verdict.code) == (True, Code.OWN_PRACTICE)
    assert opens_at(slot, own_practice, now) == now.astimezone(UTC)


@given(scenes(bookable=st.just(False)), outsiders, uses)
def test_unbookable_slot_refuses_everyone_but_its_practice_even_with_override(
    scene, searcher, used
):
    slot, now = scene

    verdict = may_book(slot, searcher, now, used=used, override=True)

    assert not verdict.allowed
    assert verdict.code in {Code.NOT_BOOKABLE, Code.BLOCKED, Code.IN_THE_PAST}
    assert opens_at(slot, searcher, now) is None


@given(scenes(blocked=st.just(True)), searchers, uses)
def test_blocked_slot_refuses_everyone_even_with_override(scene, searcher, used):
    slot, now = scene

    assert not may_book(slot, searcher, now, used=used, override=True).allowed
    assert not may_see(slot, searcher, now, override=True).allowed


@given(scenes(), searchers, uses, st.booleans())
def test_nobody_books_a_started_slot(scene, searcher, used, override):
    slot, now = scene
    now = max(now, slot.start.astimezone(UTC))

    verdict = may_book(slot, searcher, now, used=used, override=override)

    assert (verdict.allowed, verdict.code) == (False, Code.IN_THE_PAST)
    assert opens_at(slot, searcher, now) is None


@THOROUGH
@given(
    starts,
    befores,
    ZONES,
    st.timedeltas(timedelta(minutes=-30), timedelta(days=4)),
    st.timedeltas(timedelta(0), timedelta(hours=3)),
    st.sampled_from([Audience.HUB, Audience.URGENT_CARE, Audience.ONLINE]),
)
def test_lead_time_rule_is_open_exactly_between_opening_and_cut_off(
    start, before, zone, lead, cut_off, audience
):
    now = _before(start, before, zone)
    slot = slot_with(ReleaseRule(audience, opens=OpensBefore(lead), cut_off=cut_off), start=start)
    start_utc = start.astimezone(UTC)
    expected = start_utc - lead <= now.astimezone(UTC) < start_utc - cut_off

    assert may_see(slot, Searcher(audience), now).allowed is expected


@THOROUGH
@given(
    starts,
    befores,
    ZONES,
    st.integers(0, 3),
    SAFE_TIMES,
    st.timedeltas(timedelta(0), timedelta(hours=2)),
)
def test_day_rule_opens_on_the_london_calendar(start, before, zone, days_before, at, cut_off):
    """Oracle: compare London calendar dates and wall times rather than build an instant."""
    now = _before(start, before, zone)
    rule = ReleaseRule(Audience.URGENT_CARE, opens=OpensOnDay(days_before, at), cut_off=cut_off)
    slot = slot_with(rule, start=start)
    local_now = now.astimezone(LONDON)
    opening_day = start.astimezone(LONDON).date() - timedelta(days=days_before)
    opened = (local_now.date(), local_now.time()) >= (opening_day, at)
    not_closed = now.astimezone(UTC) < start.astimezone(UTC) - cut_off

    assert may_see(slot, Searcher(Audience.URGENT_CARE), now).allowed is (opened and not_closed)


@given(
    st.frozensets(st.sampled_from(ODS_POOL), max_size=2),
    st.frozensets(st.sampled_from(TYPE_POOL), max_size=2),
    searchers,
)
def test_searcher_matches_only_where_each_list_allows(ods_codes, types, searcher):
    """GP Connect's table as an oracle: each list restricts only where set."""
    assume(searcher.audience is not Audience.PRACTICE)
    rule = ReleaseRule(searcher.audience, ods_codes=ods_codes, organisation_types=types)
    expected = (not ods_codes or searcher.ods_code in ods_codes) and (
        not types or searcher.organisation_type in types
    )

    assert may_see(slot_with(rule), searcher, london(2026, 4, 1, 9)).allowed is expected


@THOROUGH
@given(scenes(), rules, searchers, uses, st.booleans())
def test_adding_a_rule_never_takes_access_away(scene, extra, searcher, used, override):
    slot, now = scene
    wider = SlotFacts(
        slot.start, slot.practice_ods, slot.bookable, slot.blocked, (*slot.rules, extra)
    )

    if may_see(slot, searcher, now, override=override).allowed:
        assert may_see(wider, searcher, now, override=override).allowed
    if may_book(slot, searcher, now, used=used, override=override).allowed:
        assert may_book(wider, searcher, now, used=used, override=override).allowed


@given(scenes(), searchers, uses, st.randoms(use_true_random=False))
def test_order_of_rules_does_not_change_the_decision(scene, searcher, used, rng: random.Random):
    slot, now = scene
    shuffled = list(slot.rules)
    rng.shuffle(shuffled)
    reordered = SlotFacts(
        slot.start, slot.practice_ods, slot.bookable, slot.blocked, tuple(shuffled)
    )

    before = may_book(slot, searcher, now, used=used)
    after = may_book(reordered, searcher, now, used=used)

    assert (before.allowed, before.code) == (after.allowed, after.code)


@THOROUGH
@given(scenes(), searchers, uses, st.booleans())
def test_may_book_implies_may_see(scene, searcher, used, override):
    slot, now = scene

    if may_book(slot, searcher, now, used=used, override=override).allowed:
        assert may_see(slot, searcher, now, override=override).allowed


@THOROUGH
@given(scenes(), searchers, uses)
def test_override_lifts_only_timing_and_quota(scene, searcher, used):
    slot, now = scene

    plain = may_book(slot, searcher, now, used=used)
    overridden = may_book(slot, searcher, now, used=used, override=True)

    if plain.allowed:
        assert overridden == plain
    else:
        assert overridden.allowed is (plain.code in OVERRIDABLE)
        assert overridden.code == (Code.OVERRIDDEN if overridden.allowed else plain.code)


@given(scenes(bookable=st.just(True), blocked=st.just(False)), st.integers(0, 5), st.booleans())
def test_quota_refuses_at_exactly_n(scene, quota, per_session):
    slot, now = scene
    assume(_future(slot, now))
    limit = {"quota_per_session" if per_session else "quota_per_day": quota}
    capped = SlotFacts(slot.start, OWNER, rules=(ReleaseRule(Audience.HUB, **limit),))

    def used(count: int) -> QuotaUse:
        return QuotaUse(in_session=count) if per_session else QuotaUse(on_day=count)

    assert may_book(capped, hub, now, used=used(quota)).code == Code.QUOTA_REACHED
    if quota > 0:
        assert may_book(capped, hub, now, used=used(quota - 1)).allowed


@THOROUGH
@given(scenes(), searchers, st.timedeltas(timedelta(0), timedelta(days=6)))
def test_opens_at_agrees_with_may_see(scene, searcher, later):
    slot, now = scene
    now = now.astimezone(UTC)
    opening = opens_at(slot, searcher, now)

    if opening is None:
        assert not may_see(slot, searcher, now).allowed
        assert not may_see(slot, searcher, now + later).allowed
    else:
        opening = opening.astimezone(UTC)
        assert opening >= now
        assert may_see(slot, searcher, opening).allowed
        assert may_see(slot, searcher, now).allowed is (opening == now)
        if len(slot.rules) <= 1 and opening > now:
            assert not may_see(slot, searcher, opening - timedelta(microseconds=1)).allowed


@given(scenes(), searchers, uses, st.booleans())
def test_decision_does_not_depend_on_the_zone_of_now(scene, searcher, used, override):
    slot, now = scene

    in_utc = may_book(slot, searcher, now.astimezone(UTC), used=used, override=override)
    in_london = may_book(slot, searcher, now.astimezone(LONDON), used=used, override=override)

    assert in_utc == in_london


@THOROUGH
@given(scenes(blocked=st.just(False)), searchers)
def test_effective_rules_explain_every_released_verdict(scene, searcher):
    slot, now = scene
    verdict = may_see(slot, searcher, now)
    open_now = [rule for rule in effective_rules(slot, now) if rule.audience is searcher.audience]

    if verdict.code == Code.RELEASED:
        assert open_now
    for rule in open_now:
        if (
            not (rule.ods_codes or rule.organisation_types)
            and searcher.audience is not Audience.PRACTICE
        ):
            assert verdict.allowed


@THOROUGH
@given(scenes(blocked=st.just(False)), searchers)
def test_release_window_bounds_every_moment_the_audience_may_see(scene, searcher):
    slot, now = scene
    assume(searcher.audience is not Audience.PRACTICE)
    window = release_window(slot, searcher.audience)
    inside = window is not None and window.opens <= now < window.closes

    if may_see(slot, searcher, now).allowed:
        assert inside
    if window is not None and window.exact and inside:
        assert may_see(slot, searcher, now).allowed


@given(
    st.datetimes(timezones=ZONES),
    st.datetimes(timezones=ZONES),
    st.lists(
        st.builds(
            ReleaseRule,
            audience=st.sampled_from(Audience),
            opens=st.one_of(
                st.none(),
                st.builds(OpensBefore, st.timedeltas()),
                st.builds(OpensOnDay, st.integers(-(10**12), 10**12), st.times()),
            ),
            cut_off=st.timedeltas(),
            ods_codes=st.frozensets(st.text(max_size=3), max_size=2),
            organisation_types=st.frozensets(st.text(max_size=3), max_size=2),
            quota_per_session=st.none() | st.integers(),
            quota_per_day=st.none() | st.integers(),
        ),
        max_size=3,
    ),
    st.builds(
        Searcher,
        st.sampled_from(Audience),
        st.none() | st.text(max_size=3),
        st.none() | st.text(max_size=3),
    ),
    st.builds(QuotaUse, st.integers(), st.integers()),
    st.booleans(),
)
def test_never_raises_for_odd_but_valid_input(start, now, rule_list, searcher, used, override):
    """Total: ancient or far-future times, huge leads and cut-offs, odd codes and counts."""
    slot = SlotFacts(start=start, practice_ods="A10001", rules=tuple(rule_list))

    for verdict in (
        may_see(slot, searcher, now, override=override),
        may_book(slot, searcher, now, used=used, override=override),
    ):
        assert verdict.code in set(Code)
        assert verdict.reason
    opens_at(slot, searcher, now)
    effective_rules(slot, now)
    for audience in Audience:
        release_window(slot, audience)


@given(starts, st.integers(0, 3))
def test_day_rule_opens_at_midnight_on_the_london_calendar(start, days_before):
    """Checked on the London calendar: a slot at 00:30 BST is on the previous UTC date."""
    # A slot at midnight itself, "on the day", would open at its own start: never.
    assume(days_before > 0 or start.astimezone(LONDON).time() != time(0))
    slot = slot_with(ReleaseRule(Audience.HUB, opens=OpensOnDay(days_before)), start=start)

    opening = opens_at(slot, hub, start.astimezone(UTC) - timedelta(days=30))

    assert opening is not None
    local = opening.astimezone(LONDON)
    assert local.time() == time(0)
    assert (start.astimezone(LONDON).date() - local.date()).days == days_before


@THOROUGH
@given(
    starts,
    st.lists(
        st.builds(
            ReleaseRule,
            audience=st.just(Audience.HUB),
            opens=embargoes,
            cut_off=st.timedeltas(timedelta(0), timedelta(days=3)),
        ),
        min_size=1,
        max_size=3,
    ),
    st.floats(0, 1),
)
def test_exact_release_window_is_open_throughout(start, hub_rules, fraction):
    slot = SlotFacts(start=start, practice_ods=OWNER, rules=tuple(hub_rules))
    window = release_window(slot, Audience.HUB)
    assume(window is not None and window.exact)
    now = min(
        window.opens + (window.closes - window.opens) * fraction,
        window.closes - timedelta(microseconds=1),
    )

    assert may_see(slot, hub, now).allowed
