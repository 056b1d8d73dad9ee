"""The patient page is where a journey starts for every staff role: the patient's
appointments across the hub with where each stands in the practice's system, a way to book,
and the basis on which the user sees it all."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking
from governance.models import AuditEvent
from tests.booking.builders import booking_at


def _written_back(booking, state):
    """The booking's write-back state, as the outbox leaves it."""
    type(booking).objects.filter(pk=booking.pk).update(write_back=state)


def test_appointments_at_every_practice_show_with_their_write_back_state(
    client_for, receptionist_practice_a, patient_a, practice_a, practice_b, hub
):
    here = booking_at(practice_a, patient=patient_a)
    elsewhere = booking_at(practice_b, made_by=hub, patient=patient_a)
    _written_back(here, Booking.WriteBack.CONFIRMED)
    _written_back(elsewhere, Booking.WriteBack.CONFLICT)
    page = client_for(receptionist_practice_a).get(
        reverse("patients:detail", args=[patient_a.public_id])
    )
    content = page.content.decode()
    assert practice_a.name in content and practice_b.name in content
    assert here.slot.site.name in content and elsewhere.slot.site.name in content
    assert "In practice system" in content and "Conflict" in content
    listed = AuditEvent.objects.get(action="booking.list")
    assert list(listed.listed_patients.values_list("patient", flat=True)) == [patient_a.pk]


def test_the_page_offers_booking_and_says_on_what_basis_it_is_seen(
    client_for, receptionist_practice_a, patient_a
):
    content = (
        client_for(receptionist_practice_a)
        .get(reverse("patients:detail", args=[patient_a.public_id]))
        .content.decode()
    )
    assert f"{reverse('booking:search')}?patient={patient_a.public_id}" in content
    assert "Why you can see this record: <strong>Registered practice</strong>" in content
    assert "No upcoming appointments you can see." in content


def test_cancelled_appointments_are_left_out(client_for, receptionist_practice_a, patient_a):
    booking = booking_at(patient_a.registered_practice, patient=patient_a)
    type(booking).objects.filter(pk=booking.pk).update(
        status="cancelled", cancelled_at=timezone.now(), cancelled_by=booking.booked_by
    )
    content = (
        client_for(receptionist_practice_a)
        .get(reverse("patients:detail", args=[patient_a.public_id]))
        .content.decode()
    )
    assert "No upcoming appointments you can see." in content


def test_the_query_count_does_not_grow_with_appointments(
    client_for, receptionist_practice_a, patient_a, practice_a
):
    client = client_for(receptionist_practice_a)
    url = reverse("patients:detail", args=[patient_a.public_id])
    _written_back(booking_at(practice_a, patient=patient_a), Booking.WriteBack.CONFIRMED)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        _written_back(booking_at(practice_a, patient=patient_a), Booking.WriteBack.PENDING)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(five) == len(one)
