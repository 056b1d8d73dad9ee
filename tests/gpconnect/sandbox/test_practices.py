"""Practices made on first use, with their seeded sessions."""

from datetime import date, datetime, timedelta

from gpconnect.sandbox.practices import SeedPlan
from tests.gpconnect.sandbox.calls import (
    free_slots,
    tomorrow,
)
from tests.gpconnect.sandbox.harness import running_sandbox


def test_seeded_sessions_are_weekday_evenings_and_saturday_mornings(sandbox):
    start = tomorrow(sandbox)
    slots = free_slots(sandbox, days=14)

    local = [datetime.fromisoformat(slot["start"]) for slot in slots]
    assert {t.weekday() for t in local} == {0, 1, 2, 3, 4, 5}
    assert all(
        (t.weekday() < 5 and t.hour >= 18) or (t.weekday() == 5 and 9 <= t.hour < 12) for t in local
    )
    assert min(t.date() for t in local) >= start


def test_seeding_is_configurable():
    with running_sandbox(plan=SeedPlan(weeks=1, slot_minutes=30)) as small:
        slots = free_slots(small, days=14)

    starts = sorted(datetime.fromisoformat(slot["start"]) for slot in slots)
    assert starts[-1].date() < date.today() + timedelta(days=8)
    assert all(t.minute in (0, 30) for t in starts)
