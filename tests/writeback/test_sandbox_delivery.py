"""Write-back through the real GP Connect client to the GP Connect sandbox, run in a thread:
fast checks that what the task sends is what the practice's appointment book then holds.
(The fault tests in tests/writeback run the sandbox, Redis and a Celery worker as processes.)"""

import datetime

import pytest
from django.utils import timezone

from booking.models import Booking, Slot
from booking.services import bookings, managing
from tests.governance.helpers import actor_for
from tests.gpconnect.sandbox.harness import PRACTICE
from tests.writeback.helpers import linked_to_sandbox
from writeback import tasks
from writeback.models import WriteBackMessage

State = WriteBackMessage.State
Op = WriteBackMessage.Operation


@pytest.fixture
def sandbox(practice_a, practice_manager_a, hub_books_for_a, monkeypatch):
    """Practice A linked to a sandbox in a thread, its slots imported from there; nothing is
    handed to a broker (the tests call the task bodies)."""
    assert practice_a.ods_code == PRACTICE
    with linked_to_sandbox(practice_a, practice_manager_a, monkeypatch) as running:
        yield running


def _imported_slot(practice) -> Slot:
    return (
        Slot.objects.filter(
            practice=practice,
            status=Slot.Status.FREE,
            start__gt=timezone.now() + datetime.timedelta(days=1),
        )
        .exclude(external_id="")
        .order_by("start")
        .first()
    )


def _deliver(booking, operation) -> str:
    message = WriteBackMessage.objects.get(booking=booking, operation=operation)
    return tasks.deliver_write_back(message.pk)


def _in_the_practice_book(sandbox, booking) -> dict:
    [appointment] = [
        a for a in sandbox.ledger(PRACTICE) if a["reference"] == str(booking.public_id)
    ]
    return appointment


def test_an_amendment_reaches_the_practices_appointment_book(
    sandbox, practice_a, hub_receptionist, patient_a
):
    booking = bookings.book_slot(
        by=actor_for(hub_receptionist),
        slot=_imported_slot(practice_a),
        patient=patient_a,
        description="Blood pressure review",
    )
    assert _deliver(booking, Op.BOOK) == State.CONFIRMED
    assert _in_the_practice_book(sandbox, booking)["description"] == "Blood pressure review"

    managing.amend_booking(
        by=actor_for(hub_receptionist),
        booking=booking,
        description="Medication review",
        comment="Needs an interpreter (Polish)",
        expected_version=1,
    )
    assert _deliver(booking, Op.AMEND) == State.CONFIRMED

    appointment = _in_the_practice_book(sandbox, booking)
    assert (appointment["description"], appointment["comment"], appointment["status"]) == (
        "Medication review",
        "Needs an interpreter (Polish)",
        "booked",
    )
    assert appointment["version"] == "2"  # read, changed, PUT with If-Match: one new version
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.CONFIRMED


def test_an_amendment_made_before_the_booking_arrived_follows_it(
    sandbox, practice_a, hub_receptionist, patient_a
):
    """The amendment waits for the booking it changes; the booking then carries the new
    details already, and the amendment finds nothing left to change."""
    booking = bookings.book_slot(
        by=actor_for(hub_receptionist),
        slot=_imported_slot(practice_a),
        patient=patient_a,
        description="Blood pressure review",
    )
    managing.amend_booking(
        by=actor_for(hub_receptionist),
        booking=booking,
        description="Blood pressure review",
        comment="Bring your home readings",
    )
    assert _deliver(booking, Op.AMEND) == "waiting"
    assert _deliver(booking, Op.BOOK) == State.CONFIRMED
    assert _deliver(booking, Op.AMEND) == State.CONFIRMED
    appointment = _in_the_practice_book(sandbox, booking)
    assert appointment["comment"] == "Bring your home readings"
    assert sandbox.requests("amend_appointment") == []  # the booking carried it already
