import datetime
import re

from django.urls import reverse
from django.utils import timezone

from booking.models import Booking
from governance.actions import Action
from governance.models import AuditEvent
from online import offers
from online.models import Offer, WaitingListEntry
from tests.online.builders import waiting_entry_at


def test_a_patient_joins_changes_and_leaves_the_waiting_list(patient_client, account_a, hub):
    client = patient_client(account_a)
    assert b"Join the waiting list" in client.get(reverse("online:waiting_list")).content
    response = client.post(
        reverse("online:waiting_list"),
        {
            "weekdays": ["1", "6"],
            "earliest": "17:30",
            "kind": "face-to-face",
            "contact_by": "email",
        },
    )
    assert response.status_code == 302
    entry = WaitingListEntry.objects.get()
    assert (entry.hub, entry.patient, entry.weekdays) == (hub, account_a.patient, [1, 6])
    assert entry.earliest == datetime.time(17, 30)
    assert entry.delivery_channels == ["In-person"]
    assert AuditEvent.objects.filter(action=Action.WAITING_LIST_JOIN).exists()

    client.post(reverse("online:waiting_list"), {"contact_by": "sms"})
    assert WaitingListEntry.objects.get().weekdays == []  # changed, not a second place

    client.post(reverse("online:leave_waiting_list"))
    assert WaitingListEntry.objects.get().status == WaitingListEntry.Status.LEFT


def test_preferences_that_make_no_sense_say_what_to_fix(patient_client, account_a, hub):
    response = patient_client(account_a).post(
        reverse("online:waiting_list"), {"earliest": "20:00", "latest": "18:00"}
    )
    assert b"There is a problem" in response.content
    assert b"The latest time must be after the earliest time" in response.content
    assert b"Select how we should tell you" in response.content
    assert not WaitingListEntry.objects.exists()


def test_the_offer_link_shows_the_appointment_and_accepting_books_it(
    client, hub, practice_a, online_slots, sent_email, django_capture_on_commit_callbacks
):
    entry = waiting_entry_at(practice_a, hub=hub)
    entry.patient.email = "w@example.com"
    entry.patient.save()
    WaitingListEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        offers.offer_free_slots()
    link = re.search(r"(/patient/offers/[^/\s]+/)", sent_email[-1]["body"]).group(1)
    page = client.get(link)
    assert b"An appointment has come free" in page.content
    assert entry.patient.nhs_number.encode() not in page.content
    response = client.post(link, {"answer": "accept"})
    assert b"Appointment booked" in response.content
    assert Booking.objects.get().patient == entry.patient
    assert client.get(link).status_code == 410


def test_declining_from_the_link(
    client, hub, practice_a, online_slots, sent_email, django_capture_on_commit_callbacks
):
    entry = waiting_entry_at(practice_a, hub=hub)
    entry.patient.email = "w@example.com"
    entry.patient.save()
    WaitingListEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        offers.offer_free_slots()
    link = re.search(r"(/patient/offers/[^/\s]+/)", sent_email[-1]["body"]).group(1)
    response = client.post(link, {"answer": "decline"})
    assert b"You said no to this appointment" in response.content
    assert Offer.objects.filter(status=Offer.Status.DECLINED).count() == 1


def test_an_unknown_or_ended_offer_link_says_so(client, db):
    response = client.get(reverse("online:offer", args=["not-a-real-token"]))
    assert response.status_code == 410
    assert b"This offer has ended" in response.content
