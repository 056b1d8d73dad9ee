"""Writing the message: in the booking's own transaction, handed to a worker on commit, or
waiting for a person where GP Connect cannot write it."""

import pytest
from celery import current_app
from django.utils import timezone

from booking.models import Booking
from booking.services import bookings
from tests.writeback.helpers import State, deliver, message_of
from writeback import delivery, policy, problems, tasks
from writeback.models import WriteBackMessage


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
    message = message_of(booking)
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
    message = message_of(booking)
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
    message = message_of(booking)
    assert delivery.due_write_backs() == []  # the on-commit hand-over gets its chance
    WriteBackMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - policy.SWEEP_GRACE
    )
    swept = []
    monkeypatch.setattr(tasks.deliver_write_back, "delay", lambda pk: swept.append(pk))
    assert tasks.sweep_write_back() == 1
    assert swept == [message.pk]
    assert deliver(message) == State.CONFIRMED
