"""One delivery attempt against an in-memory practice system: every outcome, the sweep, the
lease, and a practice's link turned off and on."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from booking.models import Booking
from governance.models import AuditEvent
from practices.clinical_systems import links
from practices.clinical_systems.base import OutcomeUnknown, Rejected, SlotConflict, Unavailable
from tests.governance.helpers import actor_for
from tests.practices.clinical_systems.fake import COMMIT_THEN_DROP
from tests.writeback.helpers import State, deliver, make_due, message_of
from writeback import delivery, services
from writeback.models import WriteBackMessage

# One delivery attempt --------------------------------------------------------------------


def test_a_delivery_books_the_appointment_and_confirms_the_booking(
    book, link_a, practice_system, hub
):
    booking = book()
    assert deliver(message_of(booking)) == State.CONFIRMED
    message = message_of(booking)
    [appointment] = practice_system.booked()
    assert message.external_id == appointment.external_id
    assert message.confirmed_at is not None
    assert appointment.reference == str(booking.public_id)
    assert appointment.description == "Blood pressure review"
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.CONFIRMED
    link_a.refresh_from_db()
    assert link_a.last_success_at is not None
    assert practice_system.built_for == [link_a.base_url]
    # The claims name the receptionist's own organisation, never the hub's host.
    assert practice_system.requesters[0].organisation_ods == hub.ods_code


def test_an_unavailable_practice_system_is_retried_with_backoff(
    book, link_a, practice_system, enqueued, settings
):
    settings.WRITE_BACK_RETRY_BASE_SECONDS = 4
    booking = book()
    practice_system.faults["book"] = [Unavailable("503 Service Unavailable")]
    before = timezone.now()
    assert deliver(message_of(booking)) == State.PENDING
    message = message_of(booking)
    assert message.attempts == 1
    assert "503" in message.last_error
    [(retried, countdown)] = enqueued[-1:]
    assert retried == message.pk
    assert message.next_attempt_at > before
    assert 2.5 <= countdown <= 4.5  # half the first step fixed, half jitter, and a margin
    link_a.refresh_from_db()
    assert "503" in link_a.last_error
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.PENDING
    # Too early: the next task finds it not yet due and leaves it alone.
    WriteBackMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert deliver(message) == State.PENDING
    assert practice_system.calls == ["book"]
    make_due(message)
    assert deliver(message) == State.CONFIRMED
    assert len(practice_system.booked()) == 1
    # A 503 says nothing was done: the retry books without looking first.
    assert practice_system.calls == ["book", "book"]


def test_a_dropped_response_after_the_practice_booked_is_reconciled_not_rebooked(
    book, link_a, practice_system
):
    """GP Connect has no idempotency key: the retry looks for our reference first."""
    booking = book()
    practice_system.faults["book"] = [COMMIT_THEN_DROP]
    assert deliver(message_of(booking)) == State.PENDING
    make_due(message_of(booking))
    assert deliver(message_of(booking)) == State.CONFIRMED
    assert practice_system.calls == ["book", "retrieve_patient_appointments"]
    [appointment] = practice_system.booked()
    assert message_of(booking).external_id == appointment.external_id


def test_a_timeout_before_the_practice_booked_books_after_reconciling(
    book, link_a, practice_system
):
    booking = book()
    practice_system.faults["book"] = [OutcomeUnknown("read timed out")]
    assert deliver(message_of(booking)) == State.PENDING
    make_due(message_of(booking))
    assert deliver(message_of(booking)) == State.CONFIRMED
    assert practice_system.calls == ["book", "retrieve_patient_appointments", "book"]
    assert len(practice_system.booked()) == 1


def test_another_patients_appointment_is_not_taken_for_ours(book, link_a, practice_system):
    """Reconciling matches our booking reference, not the time or the patient."""
    first, second = book(), book()
    assert deliver(message_of(first)) == State.CONFIRMED
    practice_system.faults["book"] = [OutcomeUnknown("read timed out")]
    assert deliver(message_of(second)) == State.PENDING
    make_due(message_of(second))
    assert deliver(message_of(second)) == State.CONFIRMED
    assert len(practice_system.booked()) == 2
    assert message_of(first).external_id != message_of(second).external_id


def test_a_worker_that_died_mid_delivery_is_taken_back_after_its_lease(
    book, link_a, practice_system, settings
):
    booking = book()
    message = message_of(booking)
    # A worker claimed it, booked it at the practice, and died before recording.
    claimed = delivery.claim_write_back(message_id=message.pk, lease=datetime.timedelta(minutes=5))
    practice_system.book(requester=claimed.requester, request=claimed.request)
    assert deliver(message) == State.DELIVERING  # the lease still holds: hands off
    assert delivery.due_write_backs() == []
    WriteBackMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert delivery.due_write_backs() == [message.pk]
    assert deliver(message) == State.CONFIRMED
    assert len(practice_system.booked()) == 1
    assert message_of(booking).attempts == 2


def test_a_slot_the_practice_filled_itself_makes_a_conflict(book, link_a, practice_system):
    booking = book()
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")]
    assert deliver(message_of(booking)) == State.CONFLICT
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.CONFLICT
    assert AuditEvent.objects.filter(action="write-back.conflict", patient=booking.patient).exists()
    assert message_of(booking).next_attempt_at is None


def test_a_refused_request_fails_without_retrying(book, link_a, practice_system, enqueued):
    booking = book()
    practice_system.faults["book"] = [Rejected("INVALID_RESOURCE")]
    enqueued.clear()
    assert deliver(message_of(booking)) == State.FAILED
    assert enqueued == []
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.FAILED


def test_exhausted_retries_make_the_message_dead(book, link_a, practice_system, settings):
    settings.WRITE_BACK_MAX_ATTEMPTS = 3
    booking = book()
    practice_system.faults["book"] = [Unavailable("503")] * 3
    for _ in range(2):
        assert deliver(message_of(booking)) == State.PENDING
        make_due(message_of(booking))
    assert deliver(message_of(booking)) == State.DEAD
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.FAILED
    assert AuditEvent.objects.filter(action="write-back.dead").exists()


def test_an_unexpected_error_is_retried_not_dropped(book, link_a, monkeypatch):
    def broken(link):
        raise RuntimeError("adapter bug")

    monkeypatch.setattr(links, "clinical_system_for", broken)
    booking = book()
    assert deliver(message_of(booking)) == State.PENDING
    assert "adapter bug" in message_of(booking).last_error


def test_a_link_turned_off_holds_messages_until_it_is_on_again(
    book, link_a, practice_system, practice_manager_a, enqueued, django_capture_on_commit_callbacks
):
    booking = book()
    services.switch_clinical_system_link(
        by=actor_for(practice_manager_a), practice=link_a.practice, enabled=False
    )
    assert deliver(message_of(booking)) == "link-off"
    assert practice_system.calls == []
    assert message_of(booking).next_attempt_at > timezone.now()
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.switch_clinical_system_link(
            by=actor_for(practice_manager_a), practice=link_a.practice, enabled=True
        )
    assert enqueued == [(message_of(booking).pk, None)]
    assert deliver(message_of(booking)) == State.CONFIRMED
    assert AuditEvent.objects.filter(action="clinical-system-link.off").exists()
    assert AuditEvent.objects.filter(action="clinical-system-link.on").exists()


def test_bookings_made_while_the_link_was_off_are_sent_when_it_is_on_again(
    book, link_a, practice_system, practice_manager_a, enqueued, django_capture_on_commit_callbacks
):
    manager = actor_for(practice_manager_a)
    services.switch_clinical_system_link(by=manager, practice=link_a.practice, enabled=False)
    booking = book()
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.NOT_LINKED

    with django_capture_on_commit_callbacks(execute=True):
        services.switch_clinical_system_link(by=manager, practice=link_a.practice, enabled=True)

    message = message_of(booking)
    assert enqueued == [(message.pk, None)]
    assert deliver(message) == State.CONFIRMED
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.CONFIRMED
    # Switching on again later sends nothing twice.
    services.switch_clinical_system_link(by=manager, practice=link_a.practice, enabled=False)
    services.switch_clinical_system_link(by=manager, practice=link_a.practice, enabled=True)
    assert WriteBackMessage.objects.filter(booking=booking).count() == 1


def test_only_the_practice_manager_switches_the_link(
    link_a, receptionist_practice_a, practice_manager_b, hub_manager
):
    for user in (receptionist_practice_a, practice_manager_b, hub_manager):
        with pytest.raises(PermissionDenied):
            services.switch_clinical_system_link(
                by=actor_for(user), practice=link_a.practice, enabled=False
            )
    link_a.refresh_from_db()
    assert link_a.enabled
