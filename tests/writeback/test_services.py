"""Write-back through the outbox, against an in-memory practice system: every branch of a
delivery attempt, the sweep, ordering per slot, and the worklist's actions. Task bodies are
called directly; the broker is patched where a test needs to see what was enqueued."""

import datetime

import pytest
from celery import current_app
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from booking.changes import Change
from booking.errors import InvalidBookingChange
from booking.models import Booking
from booking.services import bookings
from governance.models import Alert, AuditEvent
from governance.selectors import alerts_for
from practices.clinical_systems import links
from practices.clinical_systems.base import OutcomeUnknown, Rejected, SlotConflict, Unavailable
from practices.models import ClinicalSystemLink
from tests.governance.helpers import actor_for
from tests.practices.fake_clinical_system import COMMIT_THEN_DROP, FakeClinicalSystem
from writeback import delivery, outbox, policy, problems, services, tasks
from writeback.models import WriteBackMessage

State = WriteBackMessage.State
Op = WriteBackMessage.Operation


@pytest.fixture
def link_a(practice_a, practice_manager_a):
    return ClinicalSystemLink.objects.create(
        practice=practice_a,
        base_url="http://practice-a.test/gpconnect",
        enabled=True,
        switched_by=practice_manager_a,
        switched_at=timezone.now(),
    )


@pytest.fixture
def practice_system(monkeypatch):
    """The fake behind the adapter seam."""
    system = FakeClinicalSystem()
    built_for = []

    def factory(link):
        built_for.append(link.base_url)
        return system

    monkeypatch.setattr(links, "clinical_system_for", factory)
    system.built_for = built_for
    return system


@pytest.fixture
def enqueued(monkeypatch):
    """What was handed to the broker, instead of handing it."""
    sent = []
    monkeypatch.setattr(
        tasks.deliver_write_back,
        "apply_async",
        lambda args, **kwargs: sent.append((args[0], kwargs.get("countdown"))),
    )
    monkeypatch.setattr(
        tasks.deliver_write_back, "delay", lambda *args: sent.append((args[0], None))
    )
    monkeypatch.setattr(
        current_app, "send_task", lambda name, args, **kwargs: sent.append((args[0], None))
    )
    return sent


@pytest.fixture
def book(publish, hub_receptionist, hub_books_for_a, patient_a, enqueued):
    slots = list(publish()[0].slots.order_by("start"))
    for number, slot in enumerate(slots, start=1):
        slot.external_id = f"practice-slot-{number}"
        slot.save(update_fields=["external_id"])
    slots = iter(slots)

    def make(slot=None, patient=None, **kwargs) -> Booking:
        return bookings.book_slot(
            by=actor_for(hub_receptionist),
            slot=slot or next(slots),
            patient=patient or patient_a,
            description="Blood pressure review",
            **kwargs,
        )

    make.slots = slots
    return make


@pytest.fixture
def hub_diary_slots(publish, link_a):
    """Slots of a session practice A published in Hub Diary while its link was off (once the
    link is on, its sessions come from its own system)."""
    link_a.enabled = False
    link_a.save(update_fields=["enabled"])
    slots = list(publish(days_ahead=3)[0].slots.order_by("start"))
    link_a.enabled = True
    link_a.save(update_fields=["enabled"])
    return slots


def _deliver(message_or_id) -> str:
    message_id = getattr(message_or_id, "pk", message_or_id)
    return tasks.deliver_write_back(message_id)


def _message(booking, operation=Op.BOOK) -> WriteBackMessage:
    return WriteBackMessage.objects.get(booking=booking, operation=operation)


def _make_due(message: WriteBackMessage) -> None:
    WriteBackMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


# Writing the message with the booking ---------------------------------------------------


def test_a_practice_without_a_link_is_not_written_to(book):
    booking = book()
    assert booking.write_back == Booking.WriteBack.NOT_LINKED
    assert not WriteBackMessage.objects.exists()


def test_a_slot_the_practice_system_does_not_hold_is_not_sent_but_entered_by_hand(
    book, link_a, hub_diary_slots, enqueued, django_capture_on_commit_callbacks
):
    """Sessions published in Hub Diary alone have no slot in the practice system, and GP
    Connect cannot make one: a person enters the booking there (ADR 0003)."""
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(slot=hub_diary_slots[0])
    assert booking.write_back == Booking.WriteBack.MANUAL
    message = _message(booking)
    assert (message.state, message.next_attempt_at, message.resolved_at) == (
        State.MANUAL,
        None,
        None,
    )
    assert enqueued == []  # nothing for a worker to send
    assert delivery.due_write_backs() == []
    for organisation in (booking.booking_organisation, booking.slot.practice):
        assert list(problems.problems_for(organisation)) == [message]


def test_a_link_that_is_off_writes_nothing(book, link_a):
    link_a.enabled = False
    link_a.save()
    booking = book()
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.NOT_LINKED
    assert not WriteBackMessage.objects.exists()


def test_booking_writes_its_message_and_enqueues_it_on_commit(
    book, link_a, enqueued, django_capture_on_commit_callbacks, hub_receptionist
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book()
    message = _message(booking)
    assert message.state == State.PENDING
    assert message.requested_by == hub_receptionist
    assert message.requesting_organisation == booking.booking_organisation
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.PENDING
    assert enqueued == [(message.pk, None)]


def test_nothing_is_enqueued_when_the_booking_rolls_back(
    book, link_a, enqueued, django_capture_on_commit_callbacks, patient_a
):
    taken = book()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(bookings.SlotTaken):
        book(slot=taken.slot)
    assert WriteBackMessage.objects.count() == 1


def test_a_broker_outage_delays_the_write_back_and_the_sweep_delivers_it(
    book, link_a, practice_system, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is not answering")

    monkeypatch.setattr(current_app, "send_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book()
    assert Booking.objects.filter(pk=booking.pk).exists()  # the booking stands
    message = _message(booking)
    assert delivery.due_write_backs() == []  # the on-commit hand-over gets its chance
    WriteBackMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - policy.SWEEP_GRACE
    )
    swept = []
    monkeypatch.setattr(tasks.deliver_write_back, "delay", lambda pk: swept.append(pk))
    assert tasks.sweep_write_back() == 1
    assert swept == [message.pk]
    assert _deliver(message) == State.CONFIRMED


# One delivery attempt --------------------------------------------------------------------


def test_a_delivery_books_the_appointment_and_confirms_the_booking(
    book, link_a, practice_system, hub
):
    booking = book()
    assert _deliver(_message(booking)) == State.CONFIRMED
    message = _message(booking)
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
    assert _deliver(_message(booking)) == State.PENDING
    message = _message(booking)
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
    assert _deliver(message) == State.PENDING
    assert practice_system.calls == ["book"]
    _make_due(message)
    assert _deliver(message) == State.CONFIRMED
    assert len(practice_system.booked()) == 1
    # A 503 says nothing was done: the retry books without looking first.
    assert practice_system.calls == ["book", "book"]


def test_backoff_grows_exponentially_with_jitter_up_to_a_cap(settings):
    settings.WRITE_BACK_RETRY_BASE_SECONDS = 2
    settings.WRITE_BACK_RETRY_CAP_SECONDS = 60
    for attempt, step in [(1, 2), (2, 4), (3, 8), (4, 16), (10, 60)]:
        delays = [policy.retry_delay(attempt) for _ in range(50)]
        assert all(step / 2 <= d <= step for d in delays)
        assert len(set(delays)) > 1  # jittered


def test_a_dropped_response_after_the_practice_booked_is_reconciled_not_rebooked(
    book, link_a, practice_system
):
    """GP Connect has no idempotency key: the retry looks for our reference first."""
    booking = book()
    practice_system.faults["book"] = [COMMIT_THEN_DROP]
    assert _deliver(_message(booking)) == State.PENDING
    _make_due(_message(booking))
    assert _deliver(_message(booking)) == State.CONFIRMED
    assert practice_system.calls == ["book", "retrieve_patient_appointments"]
    [appointment] = practice_system.booked()
    assert _message(booking).external_id == appointment.external_id


def test_a_timeout_before_the_practice_booked_books_after_reconciling(
    book, link_a, practice_system
):
    booking = book()
    practice_system.faults["book"] = [OutcomeUnknown("read timed out")]
    assert _deliver(_message(booking)) == State.PENDING
    _make_due(_message(booking))
    assert _deliver(_message(booking)) == State.CONFIRMED
    assert practice_system.calls == ["book", "retrieve_patient_appointments", "book"]
    assert len(practice_system.booked()) == 1


def test_another_patients_appointment_is_not_taken_for_ours(book, link_a, practice_system):
    """Reconciling matches our booking reference, not the time or the patient."""
    first, second = book(), book()
    assert _deliver(_message(first)) == State.CONFIRMED
    practice_system.faults["book"] = [OutcomeUnknown("read timed out")]
    assert _deliver(_message(second)) == State.PENDING
    _make_due(_message(second))
    assert _deliver(_message(second)) == State.CONFIRMED
    assert len(practice_system.booked()) == 2
    assert _message(first).external_id != _message(second).external_id


def test_a_worker_that_died_mid_delivery_is_taken_back_after_its_lease(
    book, link_a, practice_system, settings
):
    booking = book()
    message = _message(booking)
    # A worker claimed it, booked it at the practice, and died before recording.
    claimed = delivery.claim_write_back(message_id=message.pk, lease=datetime.timedelta(minutes=5))
    practice_system.book(requester=claimed.requester, request=claimed.request)
    assert _deliver(message) == State.DELIVERING  # the lease still holds: hands off
    assert delivery.due_write_backs() == []
    WriteBackMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert delivery.due_write_backs() == [message.pk]
    assert _deliver(message) == State.CONFIRMED
    assert len(practice_system.booked()) == 1
    assert _message(booking).attempts == 2


def test_a_slot_the_practice_filled_itself_makes_a_conflict(book, link_a, practice_system):
    booking = book()
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")]
    assert _deliver(_message(booking)) == State.CONFLICT
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.CONFLICT
    assert AuditEvent.objects.filter(action="write-back.conflict", patient=booking.patient).exists()
    assert _message(booking).next_attempt_at is None


def test_a_refused_request_fails_without_retrying(book, link_a, practice_system, enqueued):
    booking = book()
    practice_system.faults["book"] = [Rejected("INVALID_RESOURCE")]
    enqueued.clear()
    assert _deliver(_message(booking)) == State.FAILED
    assert enqueued == []
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.FAILED


def test_exhausted_retries_make_the_message_dead(book, link_a, practice_system, settings):
    settings.WRITE_BACK_MAX_ATTEMPTS = 3
    booking = book()
    practice_system.faults["book"] = [Unavailable("503")] * 3
    for _ in range(2):
        assert _deliver(_message(booking)) == State.PENDING
        _make_due(_message(booking))
    assert _deliver(_message(booking)) == State.DEAD
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.FAILED
    assert AuditEvent.objects.filter(action="write-back.dead").exists()


def test_an_unexpected_error_is_retried_not_dropped(book, link_a, monkeypatch):
    def broken(link):
        raise RuntimeError("adapter bug")

    monkeypatch.setattr(links, "clinical_system_for", broken)
    booking = book()
    assert _deliver(_message(booking)) == State.PENDING
    assert "adapter bug" in _message(booking).last_error


def test_a_link_turned_off_holds_messages_until_it_is_on_again(
    book, link_a, practice_system, practice_manager_a, enqueued, django_capture_on_commit_callbacks
):
    booking = book()
    services.switch_clinical_system_link(
        by=actor_for(practice_manager_a), practice=link_a.practice, enabled=False
    )
    assert _deliver(_message(booking)) == "link-off"
    assert practice_system.calls == []
    assert _message(booking).next_attempt_at > timezone.now()
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.switch_clinical_system_link(
            by=actor_for(practice_manager_a), practice=link_a.practice, enabled=True
        )
    assert enqueued == [(_message(booking).pk, None)]
    assert _deliver(_message(booking)) == State.CONFIRMED
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

    message = _message(booking)
    assert enqueued == [(message.pk, None)]
    assert _deliver(message) == State.CONFIRMED
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


def test_the_task_is_acknowledged_only_after_it_ran():
    assert tasks.deliver_write_back.acks_late
    assert tasks.deliver_write_back.reject_on_worker_lost


# Cancelling, amending and ordering ------------------------------------------------------


def _cancel(user, booking, reason="Patient is better"):
    return bookings.cancel_booking(by=actor_for(user), booking=booking, reason=reason)


def test_a_cancellation_waits_for_its_booking_then_cancels_it(
    book, link_a, practice_system, hub_receptionist
):
    booking = book()
    _cancel(hub_receptionist, booking)
    cancel = _message(booking, Op.CANCEL)
    assert _deliver(cancel) == "waiting"
    assert practice_system.calls == []
    outcome = delivery.attempt_delivery(
        message_id=_message(booking).pk, policy=policy.retry_policy()
    )
    assert outcome.release == (cancel.pk,)
    assert _deliver(cancel) == State.CONFIRMED
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
    assert _deliver(_message(first)) == State.CONFIRMED
    _cancel(hub_receptionist, first)
    second = book(slot=first.slot, patient=PatientFactory(registered_practice=practice_a))
    assert _deliver(_message(second)) == "waiting"
    assert _deliver(_message(first, Op.CANCEL)) == State.CONFIRMED
    assert _deliver(_message(second)) == State.CONFIRMED
    assert [a.reference for a in practice_system.booked()] == [str(second.public_id)]


def test_cancelling_a_booking_the_practice_never_had_sends_nothing(
    book, link_a, practice_system, hub_receptionist
):
    booking = book()
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")]
    _deliver(_message(booking))
    _cancel(hub_receptionist, booking)
    assert not WriteBackMessage.objects.filter(operation=Op.CANCEL).exists()
    conflict = _message(booking)
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
    assert _deliver(_message(booking)) == State.DEAD
    _cancel(hub_receptionist, booking)
    assert _message(booking).resolved_at is not None
    assert _deliver(_message(booking, Op.CANCEL)) == State.CONFIRMED
    assert practice_system.calls[-2:] == ["retrieve_patient_appointments", "cancel"]
    assert practice_system.booked() == []


def test_cancelling_after_a_dead_booking_that_never_arrived_has_nothing_to_do(
    book, link_a, practice_system, hub_receptionist, settings
):
    settings.WRITE_BACK_MAX_ATTEMPTS = 1
    booking = book()
    practice_system.faults["book"] = [Unavailable("503")]
    assert _deliver(_message(booking)) == State.DEAD
    _cancel(hub_receptionist, booking)
    assert _deliver(_message(booking, Op.CANCEL)) == State.CONFIRMED
    assert "cancel" not in practice_system.calls
    assert _message(booking, Op.CANCEL).external_id == ""


def test_a_cancellation_whose_answer_was_lost_is_not_sent_twice(
    book, link_a, practice_system, hub_receptionist
):
    booking = book()
    _deliver(_message(booking))
    _cancel(hub_receptionist, booking)
    practice_system.faults["cancel"] = [COMMIT_THEN_DROP]
    assert _deliver(_message(booking, Op.CANCEL)) == State.PENDING
    _make_due(_message(booking, Op.CANCEL))
    assert _deliver(_message(booking, Op.CANCEL)) == State.CONFIRMED
    assert practice_system.calls[-2:] == ["cancel", "read"]


def test_an_amendment_changes_the_appointment_in_the_practice_system(
    book, link_a, practice_system, hub_receptionist
):
    booking = book()
    _deliver(_message(booking))
    Booking.objects.filter(pk=booking.pk).update(description="Medication review")
    message = outbox.write_change(
        by=actor_for(hub_receptionist), booking=booking, change=Change.AMENDED
    )
    assert _deliver(message) == State.CONFIRMED
    [appointment] = practice_system.appointments.values()
    assert appointment.description == "Medication review"


def test_amending_a_booking_writes_its_amendment_with_it(
    book, link_a, practice_system, hub_receptionist, enqueued, django_capture_on_commit_callbacks
):
    booking = book()
    _deliver(_message(booking))
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        bookings.amend_booking(
            by=actor_for(hub_receptionist),
            booking=booking,
            description="Medication review",
            comment="Needs an interpreter (Polish)",
            expected_version=1,
        )
    amendment = _message(booking, Op.AMEND)
    assert enqueued == [(amendment.pk, None)]
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.PENDING
    assert _deliver(amendment) == State.CONFIRMED
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
    _deliver(_message(booking))
    with pytest.raises(bookings.BookingChanged):
        bookings.amend_booking(
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
    _deliver(_message(booking))
    moved = bookings.rebook(
        by=actor_for(hub_receptionist),
        booking=booking,
        new_slot=next(book.slots),
        reason="Patient asked for later",
    )
    _deliver(_message(booking, Op.CANCEL))
    _deliver(_message(moved))
    assert [a.reference for a in practice_system.booked()] == [str(moved.public_id)]


# The worklist's actions ------------------------------------------------------------------


def test_a_dead_message_is_retried_from_the_worklist_once_fixed(
    book,
    link_a,
    practice_system,
    settings,
    receptionist_practice_a,
    enqueued,
    django_capture_on_commit_callbacks,
):
    settings.WRITE_BACK_MAX_ATTEMPTS = 2
    booking = book()
    practice_system.faults["book"] = [COMMIT_THEN_DROP]
    practice_system.faults["retrieve_patient_appointments"] = [Unavailable("503")]
    _deliver(_message(booking))
    _make_due(_message(booking))
    assert _deliver(_message(booking)) == State.DEAD
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_write_back(by=actor_for(receptionist_practice_a), message=_message(booking))
    assert enqueued == [(_message(booking).pk, None)]
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.PENDING
    assert _deliver(_message(booking)) == State.CONFIRMED
    assert len(practice_system.booked()) == 1  # the retry reconciled first
    assert AuditEvent.objects.filter(action="write-back.retry").exists()


def test_only_the_two_organisations_may_retry(book, link_a, practice_system, settings, practice_b):
    from practices.roles import Role
    from tests.factories import staff

    settings.WRITE_BACK_MAX_ATTEMPTS = 1
    booking = book()
    practice_system.faults["book"] = [Unavailable("503")]
    _deliver(_message(booking))
    with pytest.raises(PermissionDenied):
        services.retry_write_back(
            by=actor_for(staff(practice_b, Role.PRACTICE_MANAGER)), message=_message(booking)
        )
    assert _message(booking).state == State.DEAD


def test_a_delivered_message_cannot_be_retried(book, link_a, practice_system, hub_receptionist):
    booking = book()
    _deliver(_message(booking))
    with pytest.raises(InvalidBookingChange):
        services.retry_write_back(by=actor_for(hub_receptionist), message=_message(booking))


# Alerts to the practice and the hub ----------------------------------------------------------


def _alerts(booking) -> list[Alert]:
    return list(Alert.objects.filter(reference=booking.public_id).order_by("organisation_id"))


def test_a_conflict_alerts_the_practice_and_the_hub_without_naming_the_patient(
    book, link_a, practice_system, hub, practice_a
):
    booking = book()
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")]
    _deliver(_message(booking))
    alerts = _alerts(booking)
    assert {a.organisation for a in alerts} == {practice_a, hub}
    assert {a.kind for a in alerts} == {Alert.Kind.WRITE_BACK_CONFLICT}
    message = alerts[0].message
    assert "Riverside Medical Centre" in message and "Aire Valley Hub" in message
    patient = booking.patient
    for identifier in (patient.family_name, patient.given_name, patient.nhs_number):
        assert identifier.lower() not in message.lower()


def test_refused_and_dead_write_backs_alert_both_organisations_once(
    book, link_a, practice_system, settings, hub, practice_a, practice_manager_a
):
    settings.WRITE_BACK_MAX_ATTEMPTS = 1
    refused, dead = book(), book()
    practice_system.faults["book"] = [Rejected("INVALID_RESOURCE"), Unavailable("503")]
    assert _deliver(_message(refused)) == State.FAILED
    assert _deliver(_message(dead)) == State.DEAD
    for booking in (refused, dead):
        assert [(a.organisation, a.kind) for a in _alerts(booking)] == [
            (practice_a, Alert.Kind.WRITE_BACK_FAILED),
            (hub, Alert.Kind.WRITE_BACK_FAILED),
        ]
    assert "refused" in _alerts(refused)[0].message
    assert "gave up" in _alerts(dead)[0].message
    # Sent again and given up again: still one alert each.
    services.retry_write_back(by=actor_for(practice_manager_a), message=_message(dead))
    practice_system.faults["book"] = [Unavailable("503")]
    assert _deliver(_message(dead)) == State.DEAD
    assert len(_alerts(dead)) == 2


def test_an_alert_is_resolved_when_the_retry_gets_through(
    book, link_a, practice_system, settings, hub_receptionist
):
    settings.WRITE_BACK_MAX_ATTEMPTS = 1
    booking = book()
    practice_system.faults["book"] = [Unavailable("503")]
    _deliver(_message(booking))
    services.retry_write_back(by=actor_for(hub_receptionist), message=_message(booking))
    assert all(a.resolved_at is None for a in _alerts(booking))  # not until it gets through
    assert _deliver(_message(booking)) == State.CONFIRMED
    assert all(a.resolved_at is not None for a in _alerts(booking))


def test_an_alert_is_resolved_by_rebooking_or_cancelling(
    book, link_a, practice_system, hub_receptionist
):
    moved, cancelled = book(), book()
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")] * 2
    _deliver(_message(moved))
    _deliver(_message(cancelled))
    bookings.rebook(
        by=actor_for(hub_receptionist),
        booking=moved,
        new_slot=next(book.slots),
        reason="The practice filled the slot",
    )
    bookings.cancel_booking(
        by=actor_for(hub_receptionist), booking=cancelled, reason="Patient will call back"
    )
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()
    assert Alert.objects.count() == 4


def test_write_back_alerts_are_for_whoever_books_at_either_organisation(
    book, link_a, practice_system, hub, practice_a, hub_receptionist, receptionist_practice_a
):
    from practices.roles import Role
    from tests.factories import staff

    booking = book()
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")]
    _deliver(_message(booking))
    for user, organisation in ((hub_receptionist, hub), (receptionist_practice_a, practice_a)):
        [alert] = alerts_for(user=user, organisation=organisation)
        assert alert.reference == booking.public_id
    ig_lead = staff(practice_a, Role.IG_LEAD)
    assert not alerts_for(user=ig_lead, organisation=practice_a).exists()


# Slots published in Hub Diary at a linked practice (ADR 0003) --------------------------------


def test_publishing_in_hub_diary_is_refused_while_the_link_is_on(publish, link_a):
    from django.core.exceptions import ValidationError

    from booking.models import Session

    with pytest.raises(ValidationError, match="sessions come from there"):
        publish()
    assert not Session.objects.exists()
    link_a.enabled = False
    link_a.save(update_fields=["enabled"])
    assert publish()  # with the link off, the practice publishes here


def test_a_booking_entered_by_hand_is_marked_done_by_either_organisation(
    book, hub_diary_slots, receptionist_practice_a, hub_receptionist, practice_b
):
    from practices.roles import Role
    from tests.factories import staff

    booking = book(slot=hub_diary_slots[0])
    message = _message(booking)
    with pytest.raises(PermissionDenied):
        services.mark_entered_by_hand(
            by=actor_for(staff(practice_b, Role.PRACTICE_RECEPTIONIST)), message=message
        )
    services.mark_entered_by_hand(by=actor_for(receptionist_practice_a), message=message)
    message.refresh_from_db()
    assert message.resolved_by == receptionist_practice_a and message.resolved_at is not None
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.ENTERED
    assert not problems.problems_for(booking.booking_organisation).exists()
    assert AuditEvent.objects.filter(
        action="write-back.entered-by-hand", patient=booking.patient
    ).exists()
    with pytest.raises(InvalidBookingChange):
        services.mark_entered_by_hand(by=actor_for(hub_receptionist), message=message)


def test_only_a_change_to_enter_by_hand_can_be_marked_entered(
    book, link_a, practice_system, hub_receptionist
):
    booking = book()
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")]
    _deliver(_message(booking))
    with pytest.raises(InvalidBookingChange):
        services.mark_entered_by_hand(by=actor_for(hub_receptionist), message=_message(booking))
    assert _message(booking).resolved_at is None


def test_cancelling_before_it_was_entered_leaves_nothing_to_enter(
    book, hub_diary_slots, hub_receptionist
):
    booking = book(slot=hub_diary_slots[0])
    bookings.cancel_booking(by=actor_for(hub_receptionist), booking=booking, reason="Better")
    assert WriteBackMessage.objects.filter(booking=booking).count() == 1
    assert _message(booking).resolved_at is not None
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.NOT_LINKED
    assert not problems.problems_for(booking.booking_organisation).exists()


def test_changes_to_a_booking_entered_by_hand_are_entered_by_hand_too(
    book, hub_diary_slots, hub_receptionist, receptionist_practice_a
):
    booking = book(slot=hub_diary_slots[0])
    services.mark_entered_by_hand(by=actor_for(receptionist_practice_a), message=_message(booking))
    for comment in ("Needs an interpreter", "Needs an interpreter (Polish)"):
        booking = bookings.amend_booking(
            by=actor_for(hub_receptionist),
            booking=booking,
            description=booking.description,
            comment=comment,
        )
    amendment = _message(booking, Op.AMEND)  # one entry covers both changes
    assert (amendment.state, amendment.resolved_at) == (State.MANUAL, None)
    assert booking.write_back == Booking.WriteBack.MANUAL
    bookings.cancel_booking(by=actor_for(hub_receptionist), booking=booking, reason="Better")
    amendment.refresh_from_db()
    assert amendment.resolved_at is not None  # moot once the appointment is cancelled
    cancellation = _message(booking, Op.CANCEL)
    assert (cancellation.state, cancellation.resolved_at) == (State.MANUAL, None)
    assert list(problems.hand_entries_for(booking.slot.practice)) == [cancellation]


def test_turning_the_link_on_surfaces_bookings_made_in_hub_diary_slots(
    book, link_a, practice_manager_a, hub_receptionist, publish, practice_a
):
    link_a.enabled = False
    link_a.save(update_fields=["enabled"])
    slots = list(publish(days_ahead=3)[0].slots.order_by("start"))
    live, cancelled, past = (book(slot=slot) for slot in slots[:3])
    imported = book()  # into a slot the practice system holds: written back, not by hand
    bookings.cancel_booking(by=actor_for(hub_receptionist), booking=cancelled, reason="Better")
    earlier = timezone.now() - datetime.timedelta(hours=2)
    Booking.objects.filter(pk=past.pk).update(
        start=earlier, end=earlier + datetime.timedelta(minutes=15)
    )
    assert not WriteBackMessage.objects.exists()  # nothing is written while the link is off

    manager = actor_for(practice_manager_a)
    services.switch_clinical_system_link(by=manager, practice=practice_a, enabled=True)
    [surfaced] = problems.hand_entries_for(practice_a)
    assert (surfaced.booking, surfaced.operation) == (live, Op.BOOK)
    live.refresh_from_db()
    assert live.write_back == Booking.WriteBack.MANUAL
    assert not WriteBackMessage.objects.filter(booking__in=[cancelled, past]).exists()
    assert _message(imported).state == State.PENDING  # sent as any new booking is

    services.switch_clinical_system_link(by=manager, practice=practice_a, enabled=False)
    services.switch_clinical_system_link(by=manager, practice=practice_a, enabled=True)
    assert WriteBackMessage.objects.filter(booking=live).count() == 1  # surfaced once
