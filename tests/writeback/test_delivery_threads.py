"""Delivery from many threads at once, as a worker in Celery's threads pool delivers: each
thread on its own database connection, the claim (SELECT ... FOR UPDATE SKIP LOCKED)
letting one attempt through per message however many threads ask, and the practice's
appointment book getting each booking exactly once."""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.utils import timezone

from booking.models import Slot
from booking.services import bookings
from tests.factories import PatientFactory
from tests.governance.helpers import actor_for
from tests.gpconnect.sandbox.harness import PRACTICE
from tests.writeback.helpers import linked_to_sandbox
from writeback import tasks
from writeback.models import WriteBackMessage

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sandbox(practice_a, practice_manager_a, hub_books_for_a, monkeypatch):
    """Practice A linked to a sandbox in a thread, its slots imported from there; nothing is
    handed to a broker (the threads call the task bodies)."""
    with linked_to_sandbox(practice_a, practice_manager_a, monkeypatch) as running:
        yield running


def _deliver(message_id: int) -> str:
    try:
        return tasks.deliver_write_back(message_id)
    finally:
        connections.close_all()  # as Celery's Django fix-up does after every task


def test_many_threads_deliver_each_booking_once_however_often_it_is_enqueued(
    sandbox, practice_a, hub_receptionist
):
    slots = (
        Slot.objects.filter(
            practice=practice_a,
            status=Slot.Status.FREE,
            start__gt=timezone.now() + datetime.timedelta(days=1),
        )
        .exclude(external_id="")
        .order_by("start")[:12]
    )
    made = [
        bookings.book_slot(
            by=actor_for(hub_receptionist),
            slot=slot,
            patient=PatientFactory(registered_practice=practice_a),
            description="Review",
        )
        for slot in slots
    ]
    message_ids = list(
        WriteBackMessage.objects.filter(booking__in=made).values_list("pk", flat=True)
    )
    sandbox.control(latency_ms=50)

    # Each message twice, as the hand-over on commit and the sweep may both enqueue it.
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(_deliver, message_ids * 2))

    messages = WriteBackMessage.objects.filter(pk__in=message_ids)
    assert sorted(messages.values_list("state", "attempts")) == [("confirmed", 1)] * 12
    booked = [a["reference"] for a in sandbox.ledger(PRACTICE) if a["status"] == "booked"]
    assert sorted(booked) == sorted(str(booking.public_id) for booking in made)
    arrivals = sorted(
        datetime.datetime.fromisoformat(r["at"]) for r in sandbox.requests("book_appointment")
    )
    overlapping = max(
        sum(1 for later in arrivals if later - first < datetime.timedelta(milliseconds=50))
        for first in arrivals
    )
    assert overlapping > 1  # the deliveries did run at once
