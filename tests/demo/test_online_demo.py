"""Patients online on the demo's own data: Olivia books and cancels, the slot she frees is
offered to Daniel on the waiting list, who accepts it, and Grace registers with a key."""

import re

from django.test import Client
from django.urls import reverse

from booking.models import Booking
from core.time import london_date
from demo.online import ONLINE_PATIENTS
from governance.audit import Actor
from online import offers
from online.accounts import account_for_patient, issue_linkage_key
from online.models import Offer
from patients.models import Patient
from practices.models import Membership
from practices.roles import Role
from tests.online.conftest import signed_in_client


def _patient(index: int) -> Patient:
    return Patient.objects.get(nhs_number=ONLINE_PATIENTS[index]["nhs_number"])


def test_a_patient_books_and_cancels_and_the_freed_slot_goes_to_the_waiting_list(
    demo, sent_email, django_capture_on_commit_callbacks
):
    olivia = signed_in_client(account_for_patient(_patient(0)))
    page = olivia.get(reverse("online:find_time"))
    day = re.search(r'name="day" value="([0-9-]+)"', page.content.decode()).group(1)
    times = olivia.get(reverse("online:find_time"), {"day": day}).content.decode()
    slot_id = re.search(r'name="slot" value="([0-9a-f-]{36})"', times).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        olivia.post(reverse("online:hold"), {"slot": slot_id})
        olivia.post(reverse("online:reason"), {"description": "Ear pain"})
        booked = olivia.post(reverse("online:check"))
    booking = Booking.objects.get(slot__public_id=slot_id, status=Booking.Status.BOOKED)
    assert booked["Location"] == reverse("online:booked", args=[booking.public_id])
    assert london_date(booking.start).isoformat() == day
    # By email and by text: the demo patients have both.
    assert [(m["template"], m["channel"]) for m in sent_email] == [
        ("appointment-booked", "email"),
        ("appointment-booked", "sms"),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        olivia.post(reverse("online:cancel", args=[booking.public_id]))
    offer = Offer.objects.get(slot=booking.slot, status=Offer.Status.OPEN)
    assert offer.entry.patient == _patient(1)
    message = next(m for m in reversed(sent_email) if m["template"] == "waiting-list-offer")
    assert (message["template"], message["to"]) == (
        "waiting-list-offer",
        ONLINE_PATIENTS[1]["email"],
    )
    token = re.search(r"/patient/offers/([^/\s]+)/", message["body"]).group(1)

    daniels = offers.accept_offer(token=token, actor=Actor(user=None, request_id="demo"))
    assert (daniels.slot_id, daniels.patient) == (booking.slot_id, _patient(1))


def test_a_patient_registers_with_the_key_their_practice_printed(demo):
    grace = _patient(2)
    manager = Membership.objects.get(
        organisation=grace.registered_practice, role=Role.PRACTICE_MANAGER
    )
    key = issue_linkage_key(by=Actor(user=manager.user, membership=manager), patient=grace)
    client = Client()
    response = client.post(
        reverse("online:register"),
        {
            "key": key,
            "nhs_number": grace.nhs_number,
            "family_name": grace.family_name,
            "date_of_birth_day": grace.date_of_birth.day,
            "date_of_birth_month": grace.date_of_birth.month,
            "date_of_birth_year": grace.date_of_birth.year,
        },
    )
    assert response["Location"] == reverse("online:register_account")
    response = client.post(
        reverse("online:register_account"),
        {
            "email": "grace@example.com",
            "password": "a quiet walk by the canal",
            "password_again": "a quiet walk by the canal",
        },
    )
    assert b"Check your email" in response.content
    assert grace.online_account.email == "grace@example.com"
