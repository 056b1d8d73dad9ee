"""What people do about write-back: retry a refused or abandoned change, mark one entered by
hand, and the bookings a Hub Diary session leaves to enter by hand (ADR 0003)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from booking.errors import InvalidBookingChange
from booking.models import Booking
from booking.services import managing
from governance.models import AuditEvent
from practices.clinical_systems.base import SlotConflict, Unavailable
from tests.governance.helpers import actor_for
from tests.practices.clinical_systems.fake import COMMIT_THEN_DROP
from tests.writeback.helpers import Op, State, deliver, make_due, message_of
from writeback import problems, services
from writeback.models import WriteBackMessage

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
    deliver(message_of(booking))
    make_due(message_of(booking))
    assert deliver(message_of(booking)) == State.DEAD
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_write_back(
            by=actor_for(receptionist_practice_a), message=message_of(booking)
        )
    assert enqueued == [(message_of(booking).pk, None)]
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.PENDING
    assert deliver(message_of(booking)) == State.CONFIRMED
    assert len(practice_system.booked()) == 1  # the retry reconciled first
    assert AuditEvent.objects.filter(action="write-back.retry").exists()


def test_only_the_two_organisations_may_retry(book, link_a, practice_system, settings, practice_b):
    from practices.roles import Role
    from tests.factories import staff

    settings.WRITE_BACK_MAX_ATTEMPTS = 1
    booking = book()
    practice_system.faults["book"] = [Unavailable("503")]
    deliver(message_of(booking))
    with pytest.raises(PermissionDenied):
        services.retry_write_back(
            by=actor_for(staff(practice_b, Role.PRACTICE_MANAGER)), message=message_of(booking)
        )
    assert message_of(booking).state == State.DEAD


def test_a_delivered_message_cannot_be_retried(book, link_a, practice_system, hub_receptionist):
    booking = book()
    deliver(message_of(booking))
    with pytest.raises(InvalidBookingChange):
        services.retry_write_back(by=actor_for(hub_receptionist), message=message_of(booking))


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
    message = message_of(booking)
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
    deliver(message_of(booking))
    with pytest.raises(InvalidBookingChange):
        services.mark_entered_by_hand(by=actor_for(hub_receptionist), message=message_of(booking))
    assert message_of(booking).resolved_at is None


def test_cancelling_before_it_was_entered_leaves_nothing_to_enter(
    book, hub_diary_slots, hub_receptionist
):
    booking = book(slot=hub_diary_slots[0])
    managing.cancel_booking(by=actor_for(hub_receptionist), booking=booking, reason="Better")
    assert WriteBackMessage.objects.filter(booking=booking).count() == 1
    assert message_of(booking).resolved_at is not None
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.NOT_LINKED
    assert not problems.problems_for(booking.booking_organisation).exists()


def test_changes_to_a_booking_entered_by_hand_are_entered_by_hand_too(
    book, hub_diary_slots, hub_receptionist, receptionist_practice_a
):
    booking = book(slot=hub_diary_slots[0])
    services.mark_entered_by_hand(
        by=actor_for(receptionist_practice_a), message=message_of(booking)
    )
    for comment in ("Needs an interpreter", "Needs an interpreter (Polish)"):
        booking = managing.amend_booking(
            by=actor_for(hub_receptionist),
            booking=booking,
            description=booking.description,
            comment=comment,
        )
    amendment = message_of(booking, Op.AMEND)  # one entry covers both changes
    assert (amendment.state, amendment.resolved_at) == (State.MANUAL, None)
    assert booking.write_back == Booking.WriteBack.MANUAL
    managing.cancel_booking(by=actor_for(hub_receptionist), booking=booking, reason="Better")
    amendment.refresh_from_db()
    assert amendment.resolved_at is not None  # moot once the appointment is cancelled
    cancellation = message_of(booking, Op.CANCEL)
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
    managing.cancel_booking(by=actor_for(hub_receptionist), booking=cancelled, reason="Better")
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
    assert message_of(imported).state == State.PENDING  # sent as any new booking is

    services.switch_clinical_system_link(by=manager, practice=practice_a, enabled=False)
    services.switch_clinical_system_link(by=manager, practice=practice_a, enabled=True)
    assert WriteBackMessage.objects.filter(booking=live).count() == 1  # surfaced once
