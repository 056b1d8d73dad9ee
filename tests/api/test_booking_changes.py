"""Changing a booking through the API: read it, cancel, move, amend and record attendance,
each guarded by the version the caller last read."""

import datetime

from django.utils import timezone

from booking.models import Booking, Slot
from governance.models import AuditEvent
from tests.api.helpers import (
    book,
    booking_url,
    error_of,
    token_client,
)
from tests.factories import PatientFactory

# Changing a booking ---------------------------------------------------------------------------


def test_reading_a_booking(booked, receptionist_practice_a, receptionist_practice_b):
    client, booking_id, slots = booked
    response = client.get(booking_url(booking_id))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["slot"]["id"] == str(slots[0].public_id)
    # The practice whose slot it is sees it; another practice does not know it exists.
    assert token_client(receptionist_practice_a).get(booking_url(booking_id)).status_code == 200
    other = token_client(receptionist_practice_b).get(booking_url(booking_id))
    assert other.status_code == 404
    assert error_of(other)["code"] == "booking-not-found"


def test_cancelling_with_the_version(booked):
    client, booking_id, slots = booked
    response = client.post(
        booking_url(booking_id, "cancel"), {"reason": "Feels better", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("cancelled", 2)
    assert response["ETag"] == '"2"'
    assert Slot.objects.get(pk=slots[0].pk).status == Slot.Status.FREE
    assert AuditEvent.objects.filter(action="booking.cancel").exists()


def test_a_stale_version_is_a_conflict(booked):
    client, booking_id, _ = booked
    first = {"reason": "First", "version": 1}
    client.post(booking_url(booking_id, "cancel"), first, format="json", HTTP_IF_MATCH='"1"')
    second = {"reason": "Second", "version": 1}
    response = client.post(
        booking_url(booking_id, "cancel"), second, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "booking-changed"


def test_a_change_without_a_version_is_refused(booked):
    """`version` is required, as the schema says: an If-Match header alone is not enough."""
    client, booking_id, _ = booked
    response = client.post(booking_url(booking_id, "cancel"), {"reason": "Oops"}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["details"]["fields"]) == ["version"]
    header_only = client.post(
        booking_url(booking_id, "cancel"), {"reason": "Oops"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert header_only.status_code == 400
    assert list(error_of(header_only)["details"]["fields"]) == ["version"]
    mismatch = client.post(
        booking_url(booking_id, "cancel"),
        {"reason": "Oops", "version": 2},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert mismatch.status_code == 400
    assert Booking.objects.get(public_id=booking_id).status == Booking.Status.BOOKED


def test_rebooking_moves_the_patient(booked):
    client, booking_id, slots = booked
    response = client.post(
        booking_url(booking_id, "rebook"),
        {"slot_id": str(slots[3].public_id), "reason": "Later please", "version": 1},
        format="json",
    )
    assert response.status_code == 201
    moved = response.json()
    assert moved["id"] != booking_id and moved["slot"]["id"] == str(slots[3].public_id)
    assert Booking.objects.get(public_id=booking_id).status == Booking.Status.CANCELLED


def test_rebooking_into_a_taken_slot_is_409_and_changes_nothing(booked, practice_a):
    client, booking_id, slots = booked
    assert book(client, slots[1], PatientFactory(registered_practice=practice_a)).status_code == 201
    response = client.post(
        booking_url(booking_id, "rebook"),
        {"slot_id": str(slots[1].public_id), "version": 1},
        format="json",
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "slot-taken"
    assert Booking.objects.get(public_id=booking_id).status == Booking.Status.BOOKED


def test_recording_did_not_attend(booked):
    client, booking_id, _ = booked
    early = client.post(
        booking_url(booking_id, "status"), {"status": "dna", "version": 1}, format="json"
    )
    assert early.status_code == 422
    assert error_of(early)["code"] == "invalid-change"
    Booking.objects.filter(public_id=booking_id).update(
        start=timezone.now() - datetime.timedelta(minutes=20)
    )
    response = client.post(
        booking_url(booking_id, "status"), {"status": "dna", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("dna", 2)
    assert AuditEvent.objects.filter(action="booking.dna").exists()
    wrong = client.post(
        booking_url(booking_id, "status"), {"status": "attended", "version": 2}, format="json"
    )
    assert wrong.status_code == 422


def test_another_practice_cannot_change_a_booking(booked, receptionist_practice_b):
    _, booking_id, _ = booked
    response = token_client(receptionist_practice_b).post(
        booking_url(booking_id, "cancel"), {"reason": "Not mine", "version": 1}, format="json"
    )
    assert response.status_code == 404
    assert Booking.objects.get(public_id=booking_id).status == Booking.Status.BOOKED
