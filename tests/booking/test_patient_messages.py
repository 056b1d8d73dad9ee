"""The patient is told of an appointment booked for them, once, after the booking commits:
by email, and by text when they have a mobile; the organisation that booked sees how each
went."""

import pytest

from booking.services import bookings
from notifications.models import Message
from tests.governance.helpers import actor_for


@pytest.fixture
def slot(publish):
    (session,) = publish()
    return session.slots.order_by("start").first()


def test_the_patient_is_emailed_once_with_where_and_when(
    slot, patient_a, receptionist_practice_a, sent_email, django_capture_on_commit_callbacks
):
    patient_a.email = "ada@example.com"
    patient_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking = bookings.book_slot(
            by=actor_for(receptionist_practice_a),
            slot=slot,
            patient=patient_a,
            description="Review",
            idempotency_key="k1",
        )
        bookings.book_slot(  # the same request again
            by=actor_for(receptionist_practice_a),
            slot=slot,
            patient=patient_a,
            description="Review",
            idempotency_key="k1",
        )
    [email] = sent_email
    assert email["to"] == "ada@example.com" and email["template"] == "appointment-booked"
    assert "Dear Ada Lovelace" in email["body"]
    assert "6:30pm on" in email["body"] and slot.site.postcode in email["body"]
    assert email["key"] == f"booking:{booking.public_id}:booked"


def test_a_patient_with_no_email_address_or_mobile_gets_nothing_and_the_booking_stands(
    slot, patient_a, receptionist_practice_a, sent_email, django_capture_on_commit_callbacks
):
    patient_a.email, patient_a.mobile = "", ""
    patient_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        bookings.book_slot(by=actor_for(receptionist_practice_a), slot=slot, patient=patient_a)
    assert sent_email == []


def test_a_patient_with_a_mobile_is_texted_too_and_the_hub_that_booked_sees_both(
    publish,
    patient_a,
    hub,
    hub_receptionist,
    hub_books_for_a,
    sent_email,
    django_capture_on_commit_callbacks,
):
    patient_a.email, patient_a.mobile = "ada@example.com", "07700 900123"
    patient_a.save()
    slot = publish()[0].slots.order_by("start").first()
    with django_capture_on_commit_callbacks(execute=True):
        booking = bookings.book_slot(by=actor_for(hub_receptionist), slot=slot, patient=patient_a)
    email, text = sent_email
    assert (email["channel"], text["channel"]) == ("email", "sms")
    assert text["to"] == "+447700900123" and text["template"] == "appointment-booked"
    assert text["body"].startswith("Your GP appointment: 6:30pm on")
    assert slot.practice.name in text["body"] and "Lovelace" not in text["body"]
    messages = Message.objects.filter(key__startswith=f"booking:{booking.public_id}:booked")
    assert {(m.channel, m.organisation_id, m.subject) for m in messages} == {
        ("email", hub.pk, str(booking.public_id)),
        ("sms", hub.pk, str(booking.public_id)),
    }


def test_a_patient_with_only_a_mobile_is_texted(
    slot,
    patient_a,
    receptionist_practice_a,
    practice_a,
    sent_email,
    django_capture_on_commit_callbacks,
):
    patient_a.email, patient_a.mobile = "", "+44 7700 900456"
    patient_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        bookings.book_slot(by=actor_for(receptionist_practice_a), slot=slot, patient=patient_a)
    [text] = sent_email
    assert (text["channel"], text["to"]) == ("sms", "+447700900456")
    assert Message.objects.get().organisation_id == practice_a.pk  # the practice booked


def test_a_landline_in_the_mobile_field_gets_no_text_and_the_email_still_goes(
    slot, patient_a, receptionist_practice_a, sent_email, django_capture_on_commit_callbacks
):
    patient_a.email, patient_a.mobile = "ada@example.com", "0113 496 0101"
    patient_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        bookings.book_slot(by=actor_for(receptionist_practice_a), slot=slot, patient=patient_a)
    assert [message["channel"] for message in sent_email] == ["email"]


def test_a_move_is_one_message_with_the_old_time_and_the_new(
    publish, patient_a, receptionist_practice_a, sent_email, django_capture_on_commit_callbacks
):
    patient_a.email, patient_a.mobile = "ada@example.com", "07700 900123"
    patient_a.save()
    first, second = publish()[0].slots.order_by("start")[:2]
    actor = actor_for(receptionist_practice_a)
    booking = bookings.book_slot(by=actor, slot=first, patient=patient_a, description="Review")
    sent_email.clear()

    with django_capture_on_commit_callbacks(execute=True):
        moved = bookings.rebook(
            by=actor, booking=booking, new_slot=second, reason="The patient asked for later"
        )

    assert [m["template"] for m in sent_email] == ["appointment-moved", "appointment-moved"]
    email = next(m for m in sent_email if m["to"] == "ada@example.com")
    assert "6:30pm" in email["body"] and "6:45pm" in email["body"]
    assert email["key"] == f"booking:{moved.public_id}:moved"
    assert Message.objects.filter(subject=str(moved.public_id)).count() == 2
