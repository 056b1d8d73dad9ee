"""The release rules' properties, over many generated slots, rules, searchers and moments:
around both clock changes, in either zone."""

import random
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from booking.release_rules.decisions import (
    effective_rules,
    may_book,
    may_see,
    opens_at,
    release_window,
)
from booking.release_rules.terms import (
    OVERRIDABLE,
    Audience,
    Code,
    OpensBefore,
    OpensOnDay,
    QuotaUse,
    Release,
    Searcher,
    SlotFacts,
)
from core.time import LONDON
from tests.booking.release_rules.builders import OWNER, hub, london, own_practice, slot_with

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
    Release,
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
    slot = slot_with(Release(audience, opens=OpensBefore(lead), cut_off=cut_off), start=start)
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
    rule = Release(Audience.URGENT_CARE, opens=OpensOnDay(days_before, at), cut_off=cut_off)
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
    rule = Release(searcher.audience, ods_codes=ods_codes, organisation_types=types)
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
    capped = SlotFacts(slot.start, OWNER, rules=(Release(Audience.HUB, **limit),))

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
            Release,
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
# 01:00 on the day the clocks go forward, as its second reading: midnight GMT in truth.
@example(datetime(2026, 3, 29, 1, 0, fold=1, tzinfo=LONDON), 0)
def test_day_rule_opens_at_midnight_on_the_london_calendar(start, days_before):
    """Checked on the London calendar: a slot at 00:30 BST is on the previous UTC date."""
    # The instant's London wall clock, by way of UTC: a London time the clocks skip (01:00
    # on the day they go forward) is then read as the real time it names.
    local_start = start.astimezone(UTC).astimezone(LONDON)
    # A slot at midnight itself, "on the day", would open at its own start: never.
    assume(days_before > 0 or local_start.time() != time(0))
    slot = slot_with(Release(Audience.HUB, opens=OpensOnDay(days_before)), start=start)

    opening = opens_at(slot, hub, start.astimezone(UTC) - timedelta(days=30))

    assert opening is not None
    local = opening.astimezone(LONDON)
    assert local.time() == time(0)
    assert (local_start.date() - local.date()).days == days_before


@THOROUGH
@given(
    starts,
    st.lists(
        st.builds(
            Release,
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
