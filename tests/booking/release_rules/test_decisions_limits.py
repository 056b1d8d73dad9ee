"""The release rules' limits and edges: quotas, overrides, widening to more audiences,
the windows search's index keeps, the clock changes, and misuse."""

import ast
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from booking.release_rules import decisions, instants, terms
from booking.release_rules.decisions import (
    effective_rules,
    may_book,
    may_see,
    opens_at,
    release_window,
    widen_release,
)
from booking.release_rules.terms import (
    Audience,
    Code,
    OpensBefore,
    OpensOnDay,
    QuotaUse,
    Release,
    ReleaseWindow,
)
from tests.booking.release_rules.builders import (
    HUB_ODS,
    NOTHING_USED,
    hub,
    london,
    patient,
    slot_with,
    urgent_care,
    utc,
)

# Quotas ------------------------------------------------------------------------------------


def test_quota_per_session_refuses_the_booking_after_the_nth():
    slot = slot_with(Release(Audience.HUB, quota_per_session=2))
    now = london(2026, 4, 1, 9)

    assert may_book(slot, hub, now, used=QuotaUse(in_session=1, on_day=5)).allowed
    refused = may_book(slot, hub, now, used=QuotaUse(in_session=2))
    assert (refused.allowed, refused.code) == (False, Code.QUOTA_REACHED)
    assert refused.reason == (
        "Your organisation already has 2 bookings in this session, the most allowed for the hub."
    )


def test_quota_per_day_refuses_the_booking_after_the_nth():
    slot = slot_with(Release(Audience.URGENT_CARE, quota_per_day=1))
    now = london(2026, 4, 1, 9)

    assert may_book(slot, urgent_care, now, used=QuotaUse(in_session=7, on_day=0)).allowed
    refused = may_book(slot, urgent_care, now, used=QuotaUse(on_day=1))
    assert refused.code == Code.QUOTA_REACHED
    assert refused.reason == (
        "Your organisation already has 1 booking on this day, the most allowed for urgent care."
    )


def test_quota_does_not_hide_the_slot_from_search():
    slot = slot_with(Release(Audience.HUB, quota_per_session=0))

    assert may_see(slot, hub, london(2026, 4, 1, 9)).allowed
    assert not may_book(slot, hub, london(2026, 4, 1, 9), used=NOTHING_USED).allowed


def test_a_rule_without_quota_lets_the_searcher_past_another_rules_quota():
    slot = slot_with(
        Release(Audience.HUB, quota_per_session=1),
        Release(Audience.HUB, ods_codes=frozenset({HUB_ODS})),
    )

    assert may_book(slot, hub, london(2026, 4, 1, 9), used=QuotaUse(5, 5)).allowed


# Overrides ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "now", "used", "refused_code"),
    [
        (Release(Audience.HUB, opens=OpensOnDay()), london(2026, 4, 1, 9), NOTHING_USED,
         Code.EMBARGOED),
        (Release(Audience.HUB, cut_off=timedelta(hours=2)), london(2026, 4, 2, 17),
         NOTHING_USED, Code.CUT_OFF),
        (Release(Audience.HUB, quota_per_day=3), london(2026, 4, 1, 9), QuotaUse(on_day=3),
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
    slot = slot_with(Release(Audience.HUB))

    verdict = may_book(slot, hub, london(2026, 4, 1, 9), used=NOTHING_USED, override=True)

    assert (verdict.allowed, verdict.code, verdict.overridden) == (True, Code.RELEASED, None)


def test_override_does_not_release_a_slot_to_someone_it_was_not_released_to():
    slot = slot_with(Release(Audience.HUB, ods_codes=frozenset({"Y99999"})))

    for searcher, code in ((hub, Code.ODS_NOT_LISTED), (urgent_care, Code.NOT_RELEASED)):
        verdict = may_book(slot, searcher, london(2026, 4, 1, 9), used=NOTHING_USED, override=True)
        assert (verdict.allowed, verdict.code) == (False, code)


def test_override_not_needed_is_not_reported_as_used():
    slot = slot_with(Release(Audience.HUB))

    verdict = may_book(slot, hub, london(2026, 4, 1, 9), used=NOTHING_USED, override=True)

    assert verdict.code == Code.RELEASED


# Automatic widening, effective rules, windows for the index -----------------------------------


def test_unbooked_hub_slot_widens_to_urgent_care_and_online_two_hours_before():
    slot = slot_with(
        Release(Audience.HUB),
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
        Release(Audience.HUB, OpensBefore(timedelta(hours=2)), timedelta(minutes=5)),
        Release(Audience.ONLINE, OpensBefore(timedelta(hours=2)), timedelta(minutes=5)),
    )


def test_effective_rules_leave_out_rules_past_their_cut_off():
    closing = Release(Audience.HUB, cut_off=timedelta(hours=1))
    late = Release(Audience.URGENT_CARE, opens=OpensBefore(timedelta(hours=3)))
    slot = slot_with(closing, late)

    assert effective_rules(slot, london(2026, 4, 2, 15)) == (closing,)
    assert effective_rules(slot, london(2026, 4, 2, 16)) == (closing, late)
    assert effective_rules(slot, london(2026, 4, 2, 17, 30)) == (late,)
    assert effective_rules(slot, london(2026, 4, 2, 18, 30)) == ()


def test_release_window_spans_the_audiences_rules_for_the_search_index():
    slot = slot_with(
        Release(
            Audience.ONLINE, opens=OpensBefore(timedelta(hours=48)), cut_off=timedelta(hours=1)
        ),
        Release(Audience.ONLINE, opens=OpensOnDay(), cut_off=timedelta(minutes=10)),
        Release(Audience.HUB, ods_codes=frozenset({HUB_ODS})),
    )

    online = release_window(slot, Audience.ONLINE)
    hub_window = release_window(slot, Audience.HUB)

    assert online == ReleaseWindow(utc(2026, 3, 31, 17, 30), utc(2026, 4, 2, 17, 20), exact=True)
    assert hub_window is not None and not hub_window.exact
    assert release_window(slot, Audience.URGENT_CARE) is None
    assert release_window(slot, Audience.PRACTICE) is None


def test_release_window_with_a_gap_between_rules_is_not_exact():
    slot = slot_with(
        Release(Audience.HUB, cut_off=timedelta(hours=48)),
        Release(Audience.HUB, opens=OpensBefore(timedelta(hours=2))),
    )

    window = release_window(slot, Audience.HUB)

    assert window is not None and not window.exact
    assert not may_see(slot, hub, london(2026, 4, 1, 9)).allowed  # inside the span, in the gap


# Clock changes: 29 March 2026 (01:00 GMT -> 02:00 BST), 25 October 2026 (02:00 BST -> 01:00 GMT)


def test_on_the_day_after_spring_change_opens_at_local_not_utc_midnight():
    """00:30 BST on Monday is 23:30 UTC on Sunday: a UTC date would open a day early."""
    slot = slot_with(
        Release(Audience.URGENT_CARE, opens=OpensOnDay()), start=london(2026, 3, 30, 0, 30)
    )

    assert not may_see(slot, urgent_care, utc(2026, 3, 29, 22, 59, 59)).allowed
    assert may_see(slot, urgent_care, utc(2026, 3, 29, 23)).allowed
    assert opens_at(slot, urgent_care, utc(2026, 3, 29, 12)) == london(2026, 3, 30)


def test_on_the_day_of_spring_change_opens_at_midnight_gmt():
    slot = slot_with(
        Release(Audience.URGENT_CARE, opens=OpensOnDay()), start=london(2026, 3, 29, 9)
    )

    assert not may_see(slot, urgent_care, utc(2026, 3, 28, 23, 59, 59)).allowed
    assert may_see(slot, urgent_care, utc(2026, 3, 29, 0)).allowed  # 8 elapsed hours before


def test_on_the_day_of_autumn_change_opens_at_midnight_bst():
    slot = slot_with(
        Release(Audience.URGENT_CARE, opens=OpensOnDay()), start=london(2026, 10, 25, 9)
    )

    assert not may_see(slot, urgent_care, utc(2026, 10, 24, 22, 59, 59)).allowed
    assert may_see(slot, urgent_care, utc(2026, 10, 24, 23)).allowed


def test_on_the_day_at_half_past_midnight_around_the_autumn_change():
    early_bst = slot_with(
        Release(Audience.HUB, opens=OpensOnDay()), start=london(2026, 10, 25, 0, 30)
    )
    early_gmt = slot_with(
        Release(Audience.HUB, opens=OpensOnDay()), start=london(2026, 10, 26, 0, 30)
    )

    assert opens_at(early_bst, hub, utc(2026, 10, 20)) == utc(2026, 10, 24, 23)
    assert opens_at(early_gmt, hub, utc(2026, 10, 20)) == utc(2026, 10, 26, 0)
    assert not may_see(early_gmt, hub, utc(2026, 10, 25, 23, 59)).allowed


def test_lead_time_across_spring_change_is_elapsed_hours():
    slot = slot_with(
        Release(Audience.ONLINE, opens=OpensBefore(timedelta(hours=48))),
        start=london(2026, 3, 30, 18, 30),
    )

    verdict = may_see(slot, patient, utc(2026, 3, 28, 17, 29))

    assert verdict.reason.endswith("bookable from 5:30pm on Saturday 28 March 2026.")
    assert may_see(slot, patient, utc(2026, 3, 28, 17, 30)).allowed


def test_days_before_across_spring_change_counts_calendar_days():
    slot = slot_with(
        Release(Audience.ONLINE, opens=OpensOnDay(days_before=2)),
        start=london(2026, 3, 30, 18, 30),
    )

    assert opens_at(slot, patient, utc(2026, 3, 1)) == london(2026, 3, 28)


def test_opening_in_the_skipped_hour_lands_after_the_jump():
    slot = slot_with(
        Release(Audience.HUB, opens=OpensOnDay(at=time(1, 30))), start=london(2026, 3, 29, 9)
    )

    assert opens_at(slot, hub, utc(2026, 3, 28)) == utc(2026, 3, 29, 1, 30)  # 02:30 BST


def test_opening_in_the_repeated_hour_is_its_first_occurrence():
    slot = slot_with(
        Release(Audience.HUB, opens=OpensOnDay(at=time(1, 30))), start=london(2026, 10, 25, 9)
    )

    assert opens_at(slot, hub, utc(2026, 10, 24)) == utc(2026, 10, 25, 0, 30)  # 01:30 BST


def test_repeated_hour_is_compared_as_instants_not_wall_clock():
    """01:40 BST happens before 01:20 GMT: comparing wall clocks would say the reverse."""
    rule = Release(Audience.HUB)
    later_slot = slot_with(rule, start=london(2026, 10, 25, 1, 20, fold=1))
    earlier_slot = slot_with(rule, start=london(2026, 10, 25, 1, 40))

    assert may_see(later_slot, hub, london(2026, 10, 25, 1, 40)).allowed
    assert may_see(earlier_slot, hub, london(2026, 10, 25, 1, 20, fold=1)).code == Code.IN_THE_PAST


def test_cut_off_across_spring_change():
    slot = slot_with(
        Release(Audience.HUB, cut_off=timedelta(minutes=30)), start=london(2026, 3, 29, 2, 15)
    )

    assert slot.start == utc(2026, 3, 29, 1, 15)
    assert may_see(slot, hub, utc(2026, 3, 29, 0, 44)).allowed
    refused = may_see(slot, hub, utc(2026, 3, 29, 0, 45))
    assert refused.reason.endswith("closed at 12:45am on Sunday 29 March 2026.")


# Programming errors and purity -------------------------------------------------------------


def test_naive_now_is_a_programming_error():
    slot = slot_with(Release(Audience.HUB))
    naive = datetime(2026, 4, 1, 9)

    for call in (
        lambda: may_see(slot, hub, naive),
        lambda: may_book(slot, hub, naive, used=NOTHING_USED),
        lambda: opens_at(slot, hub, naive),
        lambda: effective_rules(slot, naive),
    ):
        with pytest.raises(ValueError, match="now must be a timezone-aware datetime"):
            call()


@pytest.mark.parametrize("module", [terms, decisions, instants])
def test_the_rules_import_only_the_standard_library_and_london_time(module):
    """Pure: no Django, no models, no settings, so search and booking can share them freely."""
    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    outside = {name for name in imported if not name.startswith("booking.release_rules.")}

    assert {name.split(".")[0] for name in outside - {"core.time"}} <= {
        "enum",
        "collections",
        "dataclasses",
        "datetime",
        "typing",
        "zoneinfo",
    }


def test_london_time_imports_only_the_standard_library():
    """The rules' one import from outside the package must itself be pure."""
    import core.time

    tree = ast.parse(Path(core.time.__file__).read_text())
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }

    assert imported <= {"datetime", "zoneinfo"}
