"""A patient books, moves and cancels online, from the phone in their hand."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booking.holds import hold_slot
from booking.models import Booking, Slot, SlotHold
from core.time import london_date
from governance.actions import Action
from governance.models import AuditEvent
from online.models import OnlinePolicy


@pytest.fixture
def ada(account_a, patient_a):
    patient_a.email = "ada@example.com"
    patient_a.save()
    return account_a


def _day(slot: Slot) -> str:
    return london_date(slot.start).isoformat()


def _book(client: Client, slot: Slot, description: str = "Sore knee") -> Booking:
    assert client.post(reverse("online:hold"), {"slot": slot.public_id}).status_code == 302
    assert client.post(reverse("online:reason"), {"description": description}).status_code == 302
    response = client.post(reverse("online:check"))
    assert response.status_code == 302, response.content
    return Booking.objects.get(slot=slot, status=Booking.Status.BOOKED)


def test_a_patient_finds_a_time_nearest_site_first_and_books_it(
    patient_client, ada, online_slots, sent_email, django_capture_on_commit_callbacks
):
    client = patient_client(ada)
    first = online_slots[0]
    page = client.get(reverse("online:find_time"), {"day": _day(first)})
    assert page.status_code == 200
    assert str(first.public_id) in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(client, first)

    assert booking.patient == ada.patient
    assert booking.channel == Booking.Channel.ONLINE
    assert booking.booked_by == ada.user
    assert booking.description == "Sore knee"
    assert not SlotHold.objects.filter(slot=first).exists()
    confirmation = client.get(reverse("online:booked", args=[booking.public_id]))
    assert b"Appointment booked" in confirmation.content
    assert [m["template"] for m in sent_email] == ["appointment-booked"]
    event = AuditEvent.objects.get(action=Action.BOOKING_CREATE)
    assert (event.basis, event.actor_role) == ("the-patient", "patient")


def test_slots_not_released_to_patients_online_are_not_offered(patient_client, ada, hub, publish):
    hub_only = publish()[0].slots.first()  # released to the hub, not online
    client = patient_client(ada)
    response = client.post(reverse("online:hold"), {"slot": hub_only.public_id})
    assert response.status_code == 409
    assert not SlotHold.objects.exists()


def test_a_time_someone_else_holds_shows_the_next_free_one(patient_client, ada, online_slots):
    first, second = online_slots[:2]
    hold_slot(slot=first, holder="account:someone-else", hold_for=datetime.timedelta(minutes=5))
    response = patient_client(ada).post(reverse("online:hold"), {"slot": first.public_id})
    assert response.status_code == 409
    assert b"That time has just gone" in response.content
    assert str(second.public_id) in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_patients_choosing_the_same_time_at_once_one_holds_it_the_other_sees_the_next(
    patient_client, account_a, account_b, online_slots
):
    first, second = online_slots[:2]
    clients = {"a": patient_client(account_a), "b": patient_client(account_b)}
    barrier = threading.Barrier(2)
    responses = {}

    def choose(who: str) -> None:
        try:
            barrier.wait()
            responses[who] = clients[who].post(reverse("online:hold"), {"slot": first.public_id})
        finally:
            connection.close()

    threads = [threading.Thread(target=choose, args=(who,)) for who in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(response.status_code for response in responses.values())
    assert codes == [302, 409]
    loser = next(r for r in responses.values() if r.status_code == 409)
    assert str(second.public_id) in loser.content.decode()
    assert SlotHold.objects.filter(slot=first).count() == 1


def test_a_hold_that_ran_out_sends_the_patient_back_to_choose(patient_client, ada, online_slots):
    client = patient_client(ada)
    client.post(reverse("online:hold"), {"slot": online_slots[0].public_id})
    SlotHold.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(reverse("online:check"))
    assert response.status_code == 302
    assert response["Location"] == reverse("online:find_time")
    assert not Booking.objects.exists()


def test_a_patient_may_hold_only_their_hubs_limit_of_appointments_to_come(
    patient_client, ada, online_slots, hub
):
    OnlinePolicy.objects.create(hub=hub, max_future_bookings=2)
    client = patient_client(ada)
    _book(client, online_slots[0])
    _book(client, online_slots[1])
    client.post(reverse("online:hold"), {"slot": online_slots[2].public_id})
    client.post(reverse("online:reason"), {"description": "Another"})
    response = client.post(reverse("online:check"))
    assert response.status_code == 409
    assert b"You already have 2 appointments booked online" in response.content
    assert Booking.objects.filter(patient=ada.patient).count() == 2


def test_a_patient_cancels_in_two_taps(
    patient_client, ada, online_slots, sent_email, django_capture_on_commit_callbacks
):
    client = patient_client(ada)
    booking = _book(client, online_slots[0])
    page = client.get(reverse("online:cancel", args=[booking.public_id]))
    assert b"No, keep the appointment" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("online:cancel", args=[booking.public_id]))
    assert b"Appointment cancelled" in response.content
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancelled_by == ada.user
    assert Slot.objects.get(pk=booking.slot_id).status == Slot.Status.FREE
    assert [m["template"] for m in sent_email][-1] == "appointment-cancelled"


def test_cancelling_closes_at_the_hubs_cut_off(patient_client, ada, online_slots, hub):
    client = patient_client(ada)
    booking = _book(client, online_slots[0])
    OnlinePolicy.objects.create(hub=hub, cancel_cutoff=datetime.timedelta(days=3))
    response = client.post(reverse("online:cancel", args=[booking.public_id]))
    assert response.status_code == 409
    assert b"no longer change this appointment online" in response.content
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_a_patient_moves_an_appointment_to_another_time(patient_client, ada, online_slots):
    client = patient_client(ada)
    booking = _book(client, online_slots[0])
    later = online_slots[3]
    assert (
        client.post(
            reverse("online:hold"), {"slot": later.public_id, "move": booking.public_id}
        ).status_code
        == 302
    )
    page = client.get(reverse("online:check"))
    assert b"Check your new time" in page.content
    response = client.post(reverse("online:check"))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    moved = Booking.objects.get(slot=later)
    assert (moved.patient, moved.description, moved.channel) == (
        ada.patient,
        "Sore knee",
        Booking.Channel.ONLINE,
    )


def test_the_appointments_page_is_audited_with_the_patient(patient_client, ada, online_slots):
    client = patient_client(ada)
    _book(client, online_slots[0])
    page = client.get(reverse("online:appointments"))
    assert b"Coming up" in page.content
    event = AuditEvent.objects.get(action=Action.ONLINE_APPOINTMENTS)
    assert list(event.listed_patients.values_list("patient", flat=True)) == [ada.patient_id]
