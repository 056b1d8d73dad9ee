import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from booking.holds import clear_expired, hold_slot, let_go, live_hold
from booking.models import SlotHold
from tests.conftest import ONLINE_NOW

MINUTES = datetime.timedelta(minutes=5)


def test_a_held_slot_is_not_held_by_a_second_patient(online_slots):
    slot = online_slots[0]
    assert hold_slot(slot=slot, holder="account:one", hold_for=MINUTES) is not None
    assert hold_slot(slot=slot, holder="account:two", hold_for=MINUTES) is None
    assert live_hold(slot=slot, holder="account:one") is not None


def test_a_hold_that_ran_out_is_anyones(online_slots):
    slot = online_slots[0]
    earlier = timezone.now() - datetime.timedelta(minutes=10)
    hold_slot(slot=slot, holder="account:one", hold_for=MINUTES, now=earlier)
    assert live_hold(slot=slot, holder="account:one") is None
    assert hold_slot(slot=slot, holder="account:two", hold_for=MINUTES) is not None
    assert clear_expired() == 0  # taken over, not left behind


def test_choosing_another_slot_lets_the_first_go(online_slots):
    first, second = online_slots[:2]
    hold_slot(slot=first, holder="account:one", hold_for=MINUTES)
    hold_slot(slot=second, holder="account:one", hold_for=MINUTES)
    assert not SlotHold.objects.filter(slot=first).exists()
    assert hold_slot(slot=first, holder="account:two", hold_for=MINUTES) is not None
    let_go(holder="account:one")
    assert not SlotHold.objects.filter(holder="account:one").exists()


@pytest.mark.django_db(transaction=True)
def test_two_patients_choosing_one_slot_at_the_same_moment_get_one_hold(hub, publish):
    slot = publish(rules=(ONLINE_NOW,))[0].slots.order_by("start").first()
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def choose(holder: str) -> None:
        try:
            barrier.wait()
            results[holder] = hold_slot(slot=slot, holder=holder, hold_for=MINUTES)
        finally:
            connection.close()

    threads = [threading.Thread(target=choose, args=(f"account:{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    held = [holder for holder, hold in results.items() if hold is not None]
    assert len(held) == 1
    assert SlotHold.objects.get(slot=slot).holder == held[0]
