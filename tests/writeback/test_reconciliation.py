"""Cancelling, amending and rebooking at the practice system, looking first where an earlier
attempt's outcome is unknown, and one slot's messages in the order written."""

import pytest

from booking.changes import Change
from booking.errors import BookingChanged
from booking.models import Booking
from booking.services import bookings, managing
from practices.clinical_systems.base import SlotConflict, Unavailable
from tests.governance.helpers import actor_for
from tests.practices.clinical_systems.fake import COMMIT_THEN_DROP
from tests.writeback.helpers import Op, State, deliver, make_due, message_of
from writeback import delivery, outbox, policy
from writeback.models import WriteBackMessage

# Cancelling, amending and ordering ------------------------------------------------------


def _cancel(user, booking, reason="Patient is better"):
    return managing.cancel_booking(by=actor_for(user), booking=booking, reason=reason)


def test_a_cancellation_waits_for_its_booking_then_cancels_it(
    book, link_a, practice_system, hub_receptionist
):
    booking = book()
    _cancel(hub_receptionist, booking)
    cancel = message_of(booking, Op.CANCEL)
    assert deliver(cancel) == "waiting"
    assert practice_system.calls == []
    outcome = delivery.attempt_delivery(
        message_id=message_of(booking).pk, policy=policy.retry_policy()
    )
    assert outcome.release == (cancel.pk,)
    assert deliver(cancel) == State.CONFIRMED
    [appointment] = practice_system.appointments.values()
    assert appointment.status == "cancelled"
    assert appointment.cancellation_reason == "Patient is better"
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.CONFIRMED


def test_a_new_booking_into_a_freed_slot_waits_for_the_cancellation(
    book, link_a, practice_system, hub_receptionist, practice_a
):
    from tests.factories import PatientFactory

    first = book()
    assert deliver(message_of(first)) == State.CONFIRMED
    _cancel(hub_receptionist, first)
    second = book(slot=first.slot, patient=PatientFactory(registered_practice=practice_a))
    assert deliver(message_of(second)) == "waiting"
    assert deliver(message_of(first, Op.CANCEL)) == State.CONFIRMED
    assert deliver(message_of(second)) == State.CONFIRMED
    assert [a.reference for a in practice_system.booked()] == [str(second.public_id)]


def test_cancelling_a_booking_the_practice_never_had_sends_nothing(
    book, link_a, practice_system, hub_receptionist
):
    booking = book()
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")]
    deliver(message_of(booking))
    _cancel(hub_receptionist, booking)
    assert not WriteBackMessage.objects.filter(operation=Op.CANCEL).exists()
    conflict = message_of(booking)
    assert conflict.resolved_by == hub_receptionist  # off the worklist
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.CONFLICT


def test_cancelling_after_the_booking_gave_up_reconciles_first(
    book, link_a, practice_system, hub_receptionist, settings
):
    """The dead booking may or may not have reached the practice: look, then cancel."""
    settings.WRITE_BACK_MAX_ATTEMPTS = 1
    booking = book()
    practice_system.faults["book"] = [COMMIT_THEN_DROP]
    assert deliver(message_of(booking)) == State.DEAD
    _cancel(hub_receptionist, booking)
    assert message_of(booking).resolved_at is not None
    assert deliver(message_of(booking, Op.CANCEL)) == State.CONFIRMED
    assert practice_system.calls[-2:] == ["retrieve_patient_appointments", "cancel"]
    assert practice_system.booked() == []


def test_cancelling_after_a_dead_booking_that_never_arrived_has_nothing_to_do(
    book, link_a, practice_system, hub_receptionist, settings
):
    settings.WRITE_BACK_MAX_ATTEMPTS = 1
    booking = book()
    practice_system.faults["book"] = [Unavailable("503")]
    assert deliver(message_of(booking)) == State.DEAD
    _cancel(hub_receptionist, booking)
    assert deliver(message_of(booking, Op.CANCEL)) == State.CONFIRMED
    assert "cancel" not in practice_system.calls
    assert message_of(booking, Op.CANCEL).external_id == ""


def test_a_cancellation_whose_answer_was_lost_is_not_sent_twice(
    book, link_a, practice_system, hub_receptionist
):
    booking = book()
    deliver(message_of(booking))
    _cancel(hub_receptionist, booking)
    practice_system.faults["cancel"] = [COMMIT_THEN_DROP]
    assert deliver(message_of(booking, Op.CANCEL)) == State.PENDING
    make_due(message_of(booking, Op.CANCEL))
    assert deliver(message_of(booking, Op.CANCEL)) == State.CONFIRMED
    assert practice_system.calls[-2:] == ["cancel", "read"]


def test_an_amendment_changes_the_appointment_in_the_practice_system(
    book, link_a, practice_system, hub_receptionist
):
    booking = book()
    deliver(message_of(booking))
    Booking.objects.filter(pk=booking.pk).update(description="Medication review")
    message = outbox.write_change(
        by=actor_for(hub_receptionist), booking=booking, change=Change.AMENDED
    )
    assert deliver(message) == State.CONFIRMED
    [appointment] = practice_system.appointments.values()
    assert appointment.description == "Medication review"


def test_amending_a_booking_writes_its_amendment_with_it(
    book, link_a, practice_system, hub_receptionist, enqueued, django_capture_on_commit_callbacks
):
    booking = book()
    deliver(message_of(booking))
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        managing.amend_booking(
            by=actor_for(hub_receptionist),
            booking=booking,
            description="Medication review",
            comment="Needs an interpreter (Polish)",
            expected_version=1,
        )
    amendment = message_of(booking, Op.AMEND)
    assert enqueued == [(amendment.pk, None)]
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.PENDING
    assert deliver(amendment) == State.CONFIRMED
    [appointment] = practice_system.appointments.values()
    assert (appointment.description, appointment.comment) == (
        "Medication review",
        "Needs an interpreter (Polish)",
    )
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.CONFIRMED


def test_an_amendment_refused_by_its_version_check_writes_nothing(
    book, link_a, practice_system, hub_receptionist
):
    booking = book()
    deliver(message_of(booking))
    with pytest.raises(BookingChanged):
        managing.amend_booking(
            by=actor_for(hub_receptionist),
            booking=booking,
            description="Medication review",
            comment="",
            expected_version=7,
        )
    assert not WriteBackMessage.objects.filter(operation=Op.AMEND).exists()


def test_rebooking_cancels_the_old_appointment_and_books_the_new_one(
    book, link_a, practice_system, hub_receptionist
):
    booking = book()
    deliver(message_of(booking))
    moved = bookings.rebook(
        by=actor_for(hub_receptionist),
        booking=booking,
        new_slot=next(book.slots),
        reason="Patient asked for later",
    )
    deliver(message_of(booking, Op.CANCEL))
    deliver(message_of(moved))
    assert [a.reference for a in practice_system.booked()] == [str(moved.public_id)]
