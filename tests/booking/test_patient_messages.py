"""The patient is told of an appointment booked for them, once, after the booking commits."""

import pytest

from booking.services import bookings
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


def test_a_patient_with_no_email_address_gets_nothing_and_the_booking_stands(
    slot, patient_a, receptionist_practice_a, sent_email, django_capture_on_commit_callbacks
):
    patient_a.email = ""
    patient_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        bookings.book_slot(by=actor_for(receptionist_practice_a), slot=slot, patient=patient_a)
    assert sent_email == []
