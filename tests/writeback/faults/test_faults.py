"""Write-back under real faults, with real processes: Redis stopped while bookings are made, a
worker killed with SIGKILL in the middle of delivering, a practice system answering half its
calls with 503, a response dropped after the practice booked, and a slot the practice filled
itself; an amendment reaching the practice's book; and one worker process with many
deliveries in flight at once. Each compares the hub's bookings with the sandbox's ledger:
zero lost, zero duplicated. The bookings each drove are reported at the end of the run."""

import datetime
import time

import pytest
from django.urls import reverse

from booking.models import Booking
from tests.writeback.faults.conftest import compare_with_ledger, settle
from tests.writeback.faults.processes import wait_for
from writeback.models import WriteBackMessage

pytestmark = [pytest.mark.writeback_faults, pytest.mark.django_db(transaction=True)]

State = WriteBackMessage.State


def _delivering() -> bool:
    return WriteBackMessage.objects.filter(state=State.DELIVERING).exists()


def test_redis_stopped_for_30_seconds_while_booking_delays_but_loses_nothing(
    linked_practice, worker, broker_here, record_property
):
    started = time.monotonic()
    linked_practice.book(8)
    broker_here.stop()
    outage_began = time.monotonic()
    while time.monotonic() - outage_began < 30:
        # The receptionist carries on: each booking stands, its hand-over to Celery fails.
        linked_practice.book(1, pause=1.5)
    during = linked_practice.driven[8:]
    assert WriteBackMessage.objects.filter(
        booking__in=during, state=State.PENDING, attempts=0
    ).count() == len(during)
    broker_here.start()
    linked_practice.book(4)
    settle(timeout=90)
    compare_with_ledger(linked_practice, record_property, started)


def test_a_worker_killed_mid_delivery_loses_and_duplicates_nothing(
    linked_practice, worker, sandbox, record_property
):
    started = time.monotonic()
    sandbox.control(latency_ms=250)
    linked_practice.book(16)
    # The worker, mid-call, with deliveries in flight in its threads: nothing acknowledged,
    # nothing handed back; each message waits out its lease, then the sweep sends it again.
    wait_for(_delivering, timeout=30, what="a delivery in progress", every=0.02)
    worker.kill()
    worker.start()
    # And again, once the new worker is delivering.
    wait_for(_delivering, timeout=30, what="another delivery in progress", every=0.02)
    worker.kill()
    linked_practice.book(8)  # while no worker runs at all
    worker.start()
    settle(timeout=120)
    compare_with_ledger(linked_practice, record_property, started)
    assert WriteBackMessage.objects.filter(attempts__gt=1).exists(), "no delivery was cut off"


def test_a_practice_system_failing_half_its_calls_slowly_gets_everything_in_the_end(
    linked_practice, worker, sandbox, record_property
):
    started = time.monotonic()
    sandbox.control(error_rate=0.5, error_statuses=[503], latency_ms=50, seed=20261122)
    linked_practice.book(20)
    settle(timeout=180)
    compare_with_ledger(linked_practice, record_property, started)
    assert WriteBackMessage.objects.filter(attempts__gt=1).count() > 5  # 503s were retried


def test_a_response_dropped_after_the_practice_booked_leaves_one_appointment(
    linked_practice, worker, sandbox, record_property
):
    """GP Connect has no idempotency key: the retry finds our booking reference first."""
    started = time.monotonic()
    sandbox.control(next=[{"fault": "commit_then_drop", "interaction": "book_appointment"}] * 3)
    linked_practice.book(6)
    settle(timeout=60)
    compare_with_ledger(linked_practice, record_property, started)
    assert WriteBackMessage.objects.filter(attempts=2, state=State.CONFIRMED).count() == 3
    ledger = sandbox.ledger(linked_practice.practice.ods_code)
    assert len([a for a in ledger if a["status"] == "booked"]) == 6


def test_a_slot_the_practice_filled_itself_becomes_a_conflict_in_the_worklist(
    linked_practice, worker, sandbox, record_property, client_for
):
    started = time.monotonic()
    filled = linked_practice.slots[1]
    sandbox.control(fill_on_next_book=[filled.external_id])
    made = linked_practice.book(3)
    settle(timeout=60)
    conflict = made[1]
    conflict.refresh_from_db()
    assert conflict.write_back == Booking.WriteBack.CONFLICT
    compare_with_ledger(linked_practice, record_property, started, conflicted=[conflict])
    message = WriteBackMessage.objects.get(booking=conflict)
    page = client_for(linked_practice.receptionist).get(reverse("writeback:problems"))
    assert reverse("writeback:problem", args=[message.public_id]).encode() in (page.content)
    # The practice's own booking holds the slot in its system; ours is not there.
    ledger = sandbox.ledger(linked_practice.practice.ods_code)
    held = [a for a in ledger if filled.external_id in a["slot_ids"] and a["status"] == "booked"]
    assert len(held) == 1 and held[0]["reference"] != str(conflict.public_id)


def test_an_amendment_reaches_the_practices_appointment_book(
    linked_practice, worker, sandbox, record_property
):
    started = time.monotonic()
    made = linked_practice.book(3)
    settle(timeout=60)
    changed = linked_practice.amend(
        made[1], description="Medication review", comment="Needs an interpreter (Polish)"
    )
    assert changed.version == 2
    settle(timeout=60)
    compare_with_ledger(linked_practice, record_property, started)
    amend = WriteBackMessage.objects.get(
        booking=made[1], operation=WriteBackMessage.Operation.AMEND
    )
    assert amend.state == State.CONFIRMED
    ledger = sandbox.ledger(linked_practice.practice.ods_code)
    details = {a["reference"]: (a["description"], a["comment"]) for a in ledger}
    assert details[str(made[1].public_id)] == ("Medication review", "Needs an interpreter (Polish)")
    assert details[str(made[0].public_id)] == ("Review", "")  # the others are as booked


def test_one_worker_process_has_many_deliveries_in_flight_at_once(
    linked_practice, worker, sandbox, record_property
):
    """A delivery mostly waits on the practice system: the worker's threads wait together."""
    started = time.monotonic()
    sandbox.control(latency_ms=250)
    linked_practice.book(16)
    settle(timeout=60)
    compare_with_ledger(linked_practice, record_property, started)
    arrivals = sorted(
        datetime.datetime.fromisoformat(r["at"]) for r in sandbox.requests("book_appointment")
    )
    # Each call takes at least 250 ms: one delivery at a time would send one book a window.
    most_in_one_window = max(
        sum(1 for later in arrivals if later - first < datetime.timedelta(milliseconds=250))
        for first in arrivals
    )
    assert len(arrivals) == 16
    assert most_in_one_window >= 4, arrivals
