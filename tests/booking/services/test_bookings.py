"""The booking service: one live booking per slot, release rules on book, idempotency,
versions, cancel and rebook, attendance, audit."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from booking.errors import (
    BookingChanged,
    IdempotencyKeyReused,
    InvalidBookingChange,
    SlotNotBookable,
    SlotTaken,
)
from booking.models import Audience, Booking, Slot
from booking.services import bookings, managing
from booking.services.sessions import RuleSpec, cancel_session
from core.errors import NotFound
from governance.models import AuditEvent
from tests.factories import PatientFactory
from tests.governance.helpers import actor_for


def _book(user, slot, patient, **kwargs):
    return bookings.book_slot(by=actor_for(user), slot=slot, patient=patient, **kwargs)


def test_publishing_cuts_a_session_into_slots_released_to_the_hub(publish):
    [session] = publish()
    slots = list(session.slots.order_by("start"))
    assert len(slots) == 6
    assert all(s.hub_opens_at is not None and s.online_opens_at is None for s in slots)
    assert slots[0].hub_closes_at == slots[0].start  # no cut-off by default


def test_hub_books_a_patient_from_another_practice(
    publish, hub_receptionist, hub_books_for_a, practice_b, hub
):
    from governance.models import Scope
    from tests.governance.helpers import agreement

    patient = PatientFactory(registered_practice=practice_b)
    agreement(practice_b, hub, Scope.BOOKING, by=hub_receptionist)
    slot = publish()[0].slots.first()
    booking = _book(hub_receptionist, slot, patient, description="Review of blood pressure")
    slot.refresh_from_db()
    assert slot.status == Slot.Status.BOOKED
    assert booking.channel == Booking.Channel.HUB
    assert booking.booking_organisation == hub
    # One event: the booking, with the access decision's basis, written in its transaction.
    [event] = AuditEvent.objects.filter(action="booking.create", patient=patient)
    assert (event.object_type, event.object_id) == ("Booking", str(booking.public_id))
    assert (event.outcome, event.purpose, event.basis) == ("allowed", "book", "sharing-agreement")


def test_a_taken_slot_offers_the_nearest_alternatives(
    publish, hub_receptionist, hub_books_for_a, practice_a
):
    slots = list(publish()[0].slots.order_by("start"))
    _book(hub_receptionist, slots[2], PatientFactory(registered_practice=practice_a))
    with pytest.raises(SlotTaken) as taken:
        _book(hub_receptionist, slots[2], PatientFactory(registered_practice=practice_a))
    assert [s.pk for s in taken.value.alternatives] == [slots[1].pk, slots[3].pk, slots[0].pk]


def test_the_database_refuses_a_second_live_booking_for_a_slot(
    publish, hub_receptionist, hub_books_for_a, patient_a
):
    slot = publish()[0].slots.first()
    booking = _book(hub_receptionist, slot, patient_a)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO booking_booking (public_id, slot_id, patient_id, booking_organisation_id,"
            " booked_by_id, channel, status, description, comment, cancellation_reason, version,"
            ' write_back, start, "end", created_at, updated_at)'
            " SELECT gen_random_uuid(), slot_id, patient_id, booking_organisation_id,"
            " booked_by_id, channel, 'booked', '', '', '', 1, write_back, start, \"end\","
            " now(), now() FROM booking_booking WHERE id = %s",
            [booking.pk],
        )


def test_no_basis_for_the_patient_means_not_found(
    publish, hub_receptionist, hub_books_for_a, patient_b
):
    slot = publish()[0].slots.first()
    with pytest.raises(NotFound):
        _book(hub_receptionist, slot, patient_b)  # practice B shares nothing with the hub
    assert AuditEvent.objects.filter(patient=patient_b, outcome="denied").exists()


def test_embargoed_slots_are_refused_with_the_reason(
    publish, hub_receptionist, hub_books_for_a, patient_a
):
    rule = RuleSpec(audience=Audience.HUB, opens="before-start", opens_minutes_before=60)
    slot = publish(rules=(rule,))[0].slots.first()
    with pytest.raises(SlotNotBookable) as refused:
        _book(hub_receptionist, slot, patient_a)
    assert refused.value.reason_code == "embargoed"


def test_slots_not_released_to_the_hub_are_refused(
    publish, hub_receptionist, hub_books_for_a, patient_a
):
    slot = publish(rules=(RuleSpec(audience=Audience.URGENT_CARE),))[0].slots.first()
    with pytest.raises(SlotNotBookable) as refused:
        _book(hub_receptionist, slot, patient_a)
    assert refused.value.reason_code == "not-released"


def test_quota_per_session_is_enforced(publish, hub_receptionist, hub_books_for_a, practice_a):
    rule = RuleSpec(audience=Audience.HUB, quota_per_session=2)
    slots = list(publish(rules=(rule,))[0].slots.order_by("start"))
    for slot in slots[:2]:
        _book(hub_receptionist, slot, PatientFactory(registered_practice=practice_a))
    with pytest.raises(SlotNotBookable) as refused:
        _book(hub_receptionist, slots[2], PatientFactory(registered_practice=practice_a))
    assert refused.value.reason_code == "quota-reached"


def test_a_repeated_request_books_once(publish, hub_receptionist, hub_books_for_a, patient_a):
    slot = publish()[0].slots.first()
    first = _book(hub_receptionist, slot, patient_a, idempotency_key="k" * 32)
    again = _book(hub_receptionist, slot, patient_a, idempotency_key="k" * 32)
    assert first.pk == again.pk
    assert Booking.objects.count() == 1


def test_an_idempotency_key_cannot_be_reused_for_another_booking(
    publish, hub_receptionist, hub_books_for_a, patient_a, practice_a
):
    slots = list(publish()[0].slots.all())
    _book(hub_receptionist, slots[0], patient_a, idempotency_key="same-key-12345")
    with pytest.raises(IdempotencyKeyReused):
        _book(
            hub_receptionist,
            slots[1],
            PatientFactory(registered_practice=practice_a),
            idempotency_key="same-key-12345",
        )


def test_cancelling_frees_the_slot_and_keeps_the_history(
    publish, hub_receptionist, hub_books_for_a, patient_a
):
    slot = publish()[0].slots.first()
    booking = _book(hub_receptionist, slot, patient_a)
    managing.cancel_booking(
        by=actor_for(hub_receptionist), booking=booking, reason="Patient feels better"
    )
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.status == Slot.Status.FREE
    assert booking.status == Booking.Status.CANCELLED and booking.version == 2
    again = _book(hub_receptionist, slot, patient_a)
    assert again.pk != booking.pk


def test_a_stale_version_is_refused(publish, hub_receptionist, hub_books_for_a, patient_a):
    booking = _book(hub_receptionist, publish()[0].slots.first(), patient_a)
    managing.cancel_booking(
        by=actor_for(hub_receptionist), booking=booking, reason="First", expected_version=1
    )
    with pytest.raises(BookingChanged):
        managing.cancel_booking(
            by=actor_for(hub_receptionist), booking=booking, reason="Second", expected_version=1
        )


def test_rebooking_moves_the_patient_in_one_step(
    publish, hub_receptionist, hub_books_for_a, patient_a
):
    slots = list(publish()[0].slots.order_by("start"))
    booking = _book(hub_receptionist, slots[0], patient_a, description="Asthma review")
    moved = bookings.rebook(
        by=actor_for(hub_receptionist),
        booking=booking,
        new_slot=slots[3],
        reason="Patient asked for later",
        expected_version=1,
    )
    assert moved.slot == slots[3] and moved.description == "Asthma review"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Slot.objects.get(pk=slots[0].pk).status == Slot.Status.FREE


def test_rebooking_into_a_taken_slot_changes_nothing(
    publish, hub_receptionist, hub_books_for_a, patient_a, practice_a
):
    slots = list(publish()[0].slots.order_by("start"))
    booking = _book(hub_receptionist, slots[0], patient_a)
    _book(hub_receptionist, slots[1], PatientFactory(registered_practice=practice_a))
    with pytest.raises(SlotTaken):
        bookings.rebook(
            by=actor_for(hub_receptionist),
            booking=booking,
            new_slot=slots[1],
            reason="Later please",
        )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_attendance_follows_the_session(publish, hub_receptionist, hub_books_for_a, patient_a):
    booking = _book(hub_receptionist, publish()[0].slots.first(), patient_a)
    with pytest.raises(InvalidBookingChange):  # two days too early to have not attended
        managing.record_attendance(
            by=actor_for(hub_receptionist), booking=booking, status=Booking.Status.DID_NOT_ATTEND
        )
    Booking.objects.filter(pk=booking.pk).update(
        start=timezone.now() - datetime.timedelta(minutes=20)
    )
    booking.refresh_from_db()
    managing.record_attendance(
        by=actor_for(hub_receptionist), booking=booking, status=Booking.Status.DID_NOT_ATTEND
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DID_NOT_ATTEND
    assert AuditEvent.objects.filter(action="booking.dna").exists()


def test_the_practice_sees_and_can_cancel_bookings_into_its_slots(
    publish, hub_receptionist, hub_books_for_a, patient_a, receptionist_practice_a
):
    booking = _book(hub_receptionist, publish()[0].slots.first(), patient_a)
    managing.cancel_booking(
        by=actor_for(receptionist_practice_a), booking=booking, reason="Clinician unwell"
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_other_practices_cannot_touch_a_booking(
    publish, hub_receptionist, hub_books_for_a, patient_a, receptionist_practice_b
):
    booking = _book(hub_receptionist, publish()[0].slots.first(), patient_a)
    with pytest.raises(NotFound):
        managing.cancel_booking(
            by=actor_for(receptionist_practice_b), booking=booking, reason="Not mine"
        )


def test_cancelling_a_session_lists_its_bookings_for_rebooking(
    publish, hub_receptionist, hub_books_for_a, patient_a, practice_manager_a
):
    [session] = publish()
    booking = _book(hub_receptionist, session.slots.first(), patient_a)
    to_rebook = cancel_session(
        by=actor_for(practice_manager_a), session=session, reason="GP off sick"
    )
    assert [b.pk for b in to_rebook] == [booking.pk]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED  # never silently dropped
    assert not session.slots.filter(status=Slot.Status.FREE).exists()


def test_the_slots_practice_may_manage_a_hub_booking_of_a_third_practices_patient(
    publish, hub_receptionist, hub_books_for_a, hub, practice_manager_a, receptionist_practice_a
):
    """The hub booked a patient of practice C into practice A's evening slot: A must be
    able to see and cancel it, on the basis of that appointment alone."""
    from governance.access import Basis, Purpose, decide
    from governance.models import Scope
    from tests.factories import PracticeFactory
    from tests.governance.helpers import agreement

    practice_c = PracticeFactory()
    agreement(practice_c, hub, Scope.BOOKING, by=hub_receptionist)
    patient = PatientFactory(registered_practice=practice_c)
    reception_a = actor_for(receptionist_practice_a)
    assert not decide(reception_a, patient, Purpose.BOOK, action="booking.view")
    booking = _book(hub_receptionist, publish()[0].slots.first(), patient)
    assert decide(reception_a, patient, Purpose.BOOK, action="booking.view").basis == (
        Basis.CARE_RELATIONSHIP
    )
    managing.cancel_booking(by=reception_a, booking=booking, reason="Clinic closed")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
