"""The care diary's A&E journey, on the demo's own data: what a tester does after `make
demo`, signed in as ae.clinician, then as the key worker."""

import re

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booking.search import free_slots_for
from caretracker.models import Encounter, Enrolment
from governance.audit import Actor
from practices.models import Membership


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_an_ae_clinician_books_and_logs_and_the_key_worker_sees_it(demo):
    enrolment = Enrolment.objects.select_related("patient", "key_worker").first()
    patient = enrolment.patient
    ae = _client("ae.clinician")

    # Find the care-home resident by NHS number; open them in the care diary.
    found = ae.post(reverse("carediary:home"), {"nhs_number": patient.nhs_number})
    page_url = reverse("carediary:patient", args=[patient.public_id])
    assert page_url in found.content.decode()
    page = ae.get(page_url).content.decode()
    assert "Upcoming appointments" in page
    assert "When they deteriorate" in page  # the escalation plan

    # Book an evening slot released to urgent care.
    membership = Membership.objects.get(user__username="ae.clinician")
    now = timezone.now()
    slot = free_slots_for(
        actor=Actor(user=membership.user, membership=membership),
        start=now,
        end=now + timezone.timedelta(days=14),
    )[0]
    book_url = reverse("booking:book", args=[slot.public_id])
    form = ae.get(book_url, {"patient": patient.public_id})
    key = re.search(rb'name="idempotency_key" value="(\w+)"', form.content).group(1).decode()
    booked = ae.post(
        book_url,
        {
            "patient": patient.public_id,
            "idempotency_key": key,
            "description": "Wrist check after a fall",
            "comment": "",
        },
    )
    assert booked.status_code == 302
    assert slot.practice.name in ae.get(page_url).content.decode()

    # Log the attendance.
    logged = ae.post(
        reverse("carediary:log_contact", args=[patient.public_id]),
        {
            "kind": "a-and-e",
            "minutes_ago": "20",
            "presenting_reason": "Fall at the care home, no head injury",
            "outcome": "booked",
        },
    )
    assert logged.status_code == 302
    assert Encounter.objects.filter(patient=patient, kind="a-and-e").exists()

    # The key worker sees the alert and the event on the timeline.
    key_worker = _client(enrolment.key_worker.username)
    alerts = key_worker.get(reverse("governance:alerts")).content.decode()
    assert "Urgent care contact" in alerts
    record = key_worker.get(reverse("caretracker:record", args=[enrolment.public_id]))
    assert "Fall at the care home, no head injury" in record.content.decode()
