"""The booking flow as a receptionist meets it: find the patient, pick a slot, book once,
tell the patient where, when, who and how; then cancel, move and record attendance, each
guarded by the booking's version."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking, Slot
from booking.services import bookings
from governance.models import AuditEvent, Scope
from tests.factories import PatientFactory
from tests.governance.helpers import actor_for, agreement


@pytest.fixture
def hub_books_for_b(hub, practice_b, practice_manager_b):
    return agreement(practice_b, hub, Scope.BOOKING, by=practice_manager_b)


@pytest.fixture
def slots_b(publish, practice_manager_b, hub_books_for_b):
    """Practice B's evening session, 6:30pm to 8pm in 15-minute slots, released to the hub."""
    [session] = publish(manager=practice_manager_b)
    return list(session.slots.order_by("start"))


def _key(response) -> str:
    return re.search(rb'name="idempotency_key" value="(\w+)"', response.content).group(1).decode()


def _book(client, slot, patient, **fields):
    page = client.get(
        reverse("booking:book", args=[slot.public_id]), {"patient": patient.public_id}
    )
    data = {
        "patient": patient.public_id,
        "idempotency_key": _key(page),
        "description": "Blood pressure review",
        "comment": "",
        **fields,
    }
    return client.post(reverse("booking:book", args=[slot.public_id]), data)


def _booked(user, slot, patient) -> Booking:
    return bookings.book_slot(by=actor_for(user), slot=slot, patient=patient, description="Review")


# Who may use the booking pages -------------------------------------------------------------


@pytest.mark.parametrize("name", ["booking:find_patient", "booking:search", "booking:diary"])
def test_booking_pages_ask_anonymous_visitors_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_roles_that_do_not_book_are_refused(client_for, ig_lead_a):
    assert client_for(ig_lead_a).get(reverse("booking:find_patient")).status_code == 403


def test_a_slot_at_a_practice_that_does_not_pool_with_the_hub_is_not_found(
    client_for, hub_receptionist, publish, practice_manager_b, hub_books_for_a, patient_a
):
    slot = publish(manager=practice_manager_b)[0].slots.first()  # B shares nothing with the hub
    response = client_for(hub_receptionist).get(
        reverse("booking:book", args=[slot.public_id]), {"patient": patient_a.public_id}
    )
    assert response.status_code == 404


def test_a_patient_the_hub_has_no_basis_to_book_for_is_not_found(
    client_for, hub_receptionist, slots_b, practice_a
):
    stranger = PatientFactory(registered_practice=practice_a)  # A shares nothing with the hub
    response = client_for(hub_receptionist).get(
        reverse("booking:book", args=[slots_b[0].public_id]), {"patient": stranger.public_id}
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(patient=stranger, outcome="denied").exists()


# Finding the patient and booking -----------------------------------------------------------


def test_finding_a_patient_by_nhs_number_leads_to_the_slot_search_for_them(
    client_for, hub_receptionist, hub_books_for_a, patient_a
):
    response = client_for(hub_receptionist).post(
        reverse("booking:find_patient"), {"nhs_number": patient_a.nhs_number}
    )
    assert response.status_code == 200
    assert b"LOVELACE, Ada" in response.content
    search = f"{reverse('booking:search')}?patient={patient_a.public_id}"
    assert search.encode() in response.content


def test_a_slot_picked_first_is_carried_through_finding_the_patient(
    client_for, hub_receptionist, hub_books_for_a, slots_b, patient_a
):
    client = client_for(hub_receptionist)
    book = reverse("booking:book", args=[slots_b[0].public_id])
    to_find = client.get(book)
    assert to_find.status_code == 302 and "slot=" in to_find["Location"]
    found = client.post(
        reverse("booking:find_patient"),
        {"slot": slots_b[0].public_id, "nhs_number": patient_a.nhs_number},
    )
    assert f"{book}?patient={patient_a.public_id}".encode() in found.content


def test_hub_books_a_patient_from_practice_a_into_practice_bs_evening_slot(
    client_for, hub_receptionist, hub_books_for_a, slots_b, patient_a, hub
):
    response = _book(client_for(hub_receptionist), slots_b[0], patient_a, comment="Needs a ramp")
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:confirmation", args=[booking.public_id])
    assert booking.patient == patient_a and booking.booking_organisation == hub
    assert booking.comment == "Needs a ramp"
    assert Slot.objects.get(pk=slots_b[0].pk).status == Slot.Status.BOOKED


def test_the_confirmation_says_where_when_who_and_how(
    client_for, hub_receptionist, hub_books_for_a, slots_b, patient_a
):
    client = client_for(hub_receptionist)
    page = client.get(_book(client, slots_b[0], patient_a)["Location"])
    slot = slots_b[0]
    text = page.content.decode()
    assert "Appointment booked" in text
    assert slot.site.name in text and slot.site.address_line_1 in text
    assert slot.site.postcode in text
    day = timezone.localtime(slot.start).strftime("%A %-d %B %Y")
    assert f"{day} at 6:30pm" in text
    assert str(slot.clinician) in text
    assert "In person" in text
    assert "Kirkgate Surgery" in text


def test_a_double_click_books_once(
    client_for, hub_receptionist, hub_books_for_a, slots_b, patient_a
):
    client = client_for(hub_receptionist)
    url = reverse("booking:book", args=[slots_b[0].public_id])
    page = client.get(url, {"patient": patient_a.public_id})
    data = {"patient": patient_a.public_id, "idempotency_key": _key(page), "description": "Asthma"}
    first, second = client.post(url, data), client.post(url, data)
    assert first["Location"] == second["Location"]
    assert Booking.objects.count() == 1


def test_each_visit_to_the_booking_page_gets_a_fresh_key(
    client_for, hub_receptionist, hub_books_for_a, slots_b, patient_a
):
    client = client_for(hub_receptionist)
    url = reverse("booking:book", args=[slots_b[0].public_id])
    one = _key(client.get(url, {"patient": patient_a.public_id}))
    two = _key(client.get(url, {"patient": patient_a.public_id}))
    assert one != two


def test_a_taken_slot_offers_the_nearest_alternatives_to_book_in_one_step(
    client_for, hub_receptionist, hub_books_for_a, slots_b, patient_a, practice_a
):
    client = client_for(hub_receptionist)
    url = reverse("booking:book", args=[slots_b[2].public_id])
    page = client.get(url, {"patient": patient_a.public_id})
    _booked(hub_receptionist, slots_b[2], PatientFactory(registered_practice=practice_a))
    data = {"patient": patient_a.public_id, "idempotency_key": _key(page), "description": "Rash"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert b"Someone has just booked this slot" in response.content
    assert b"Nearest free slots like this one" in response.content
    alternative = reverse("booking:book", args=[slots_b[1].public_id])
    assert f'action="{alternative}"'.encode() in response.content
    keys = re.findall(rb'name="idempotency_key" value="(\w+)"', response.content)
    picked = client.post(
        alternative,
        {
            "patient": patient_a.public_id,
            "idempotency_key": keys[0].decode(),
            "description": "Rash",
        },
    )
    assert picked.status_code == 302
    assert Booking.objects.get(patient=patient_a).slot_id == slots_b[1].pk


def test_a_description_is_needed_and_a_long_comment_is_refused(
    client_for, hub_receptionist, hub_books_for_a, slots_b, patient_a
):
    response = _book(
        client_for(hub_receptionist), slots_b[0], patient_a, description="", comment="x" * 501
    )
    assert response.status_code == 200
    assert b"Enter what the appointment is for" in response.content
    assert b"Ensure this value has at most 500 characters" in response.content
    assert b'data-module="nhsuk-character-count"' in response.content
    assert not Booking.objects.exists()


def test_a_slot_not_released_to_the_hub_is_refused_with_the_reason(
    client_for, hub_receptionist, hub_books_for_a, publish, patient_a
):
    from booking.models import Audience
    from booking.services.sessions import RuleSpec

    rule = RuleSpec(audience=Audience.HUB, opens="before-start", opens_minutes_before=60)
    slot = publish(rules=(rule,))[0].slots.first()
    response = _book(client_for(hub_receptionist), slot, patient_a)
    assert response.status_code == 200
    assert b"bookable from" in response.content
    assert not Booking.objects.exists()


# One booking: see, cancel, move, attendance ------------------------------------------------


@pytest.fixture
def booking(hub_receptionist, hub_books_for_a, slots_b, patient_a):
    return _booked(hub_receptionist, slots_b[0], patient_a)


def test_the_booking_page_is_audited(client_for, hub_receptionist, booking):
    response = client_for(hub_receptionist).get(
        reverse("booking:booking", args=[booking.public_id])
    )
    assert response.status_code == 200
    assert b"Cancel appointment" in response.content
    assert AuditEvent.objects.filter(action="booking.view", patient=booking.patient).exists()


def test_organisations_with_no_part_in_a_booking_cannot_see_it(
    client_for, booking, receptionist_practice_a, ae_clinician
):
    """Practice A registers the patient but neither made the booking nor owns the slot."""
    for user in (receptionist_practice_a, ae_clinician):
        url = reverse("booking:booking", args=[booking.public_id])
        assert client_for(user).get(url).status_code == 404
        cancel = reverse("booking:booking_cancel", args=[booking.public_id])
        assert client_for(user).post(cancel, {"version": 1, "reason": "x"}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_cancelling_needs_a_reason_and_frees_the_slot(client_for, hub_receptionist, booking):
    client = client_for(hub_receptionist)
    url = reverse("booking:booking_cancel", args=[booking.public_id])
    keep = reverse("booking:booking", args=[booking.public_id])
    assert f'href="{keep}">No, keep the appointment' in client.get(url).content.decode()
    refused = client.post(url, {"version": booking.version, "reason": ""})
    assert b"Enter a reason for cancelling" in refused.content
    done = client.post(url, {"version": booking.version, "reason": "Feeling better"})
    assert done.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancellation_reason == "Feeling better"
    assert Slot.objects.get(pk=booking.slot_id).status == Slot.Status.FREE


def test_a_change_made_meanwhile_asks_the_receptionist_to_reload(
    client_for, hub_receptionist, booking
):
    Booking.objects.filter(pk=booking.pk).update(version=2)  # someone else changed it
    response = client_for(hub_receptionist).post(
        reverse("booking:booking_cancel", args=[booking.public_id]),
        {"version": 1, "reason": "Feeling better"},
    )
    assert response.status_code == 200
    assert b"Someone else changed this booking a moment ago" in response.content
    assert b"Reload the appointment" in response.content
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_rebooking_searches_again_and_moves_in_one_step(
    client_for, hub_receptionist, booking, slots_b
):
    client = client_for(hub_receptionist)
    url = reverse("booking:booking_rebook", args=[booking.public_id])
    search = client.get(url)
    assert f"{url}?slot={slots_b[3].public_id}".encode() in search.content
    confirm = client.get(url, {"slot": slots_b[3].public_id})
    assert b"Check and move the appointment" in confirm.content
    moved = client.post(
        url, {"slot": slots_b[3].public_id, "version": booking.version, "reason": "Later please"}
    )
    new = Booking.objects.get(slot=slots_b[3])
    assert moved["Location"] == reverse("booking:confirmation", args=[new.public_id]) + "?moved=1"
    page = client.get(moved["Location"]).content.decode()
    assert "<title>Appointment moved" in page and "Appointment booked" not in page
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert new.description == "Review"


def test_rebooking_into_a_slot_just_taken_changes_nothing_and_offers_others(
    client_for, hub_receptionist, booking, slots_b, practice_a
):
    _booked(hub_receptionist, slots_b[3], PatientFactory(registered_practice=practice_a))
    response = client_for(hub_receptionist).post(
        reverse("booking:booking_rebook", args=[booking.public_id]),
        {"slot": slots_b[3].public_id, "version": booking.version},
    )
    assert response.status_code == 200
    assert b"Nearest free slots like this one" in response.content
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_did_not_attend_is_for_appointments_that_have_started(
    client_for, hub_receptionist, booking
):
    client = client_for(hub_receptionist)
    url = reverse("booking:booking_attendance", args=[booking.public_id])
    early = client.post(url, {"version": 1, "status": "dna"}, follow=True)
    assert b"This appointment has not started yet" in early.content
    Booking.objects.filter(pk=booking.pk).update(
        start=timezone.now() - datetime.timedelta(minutes=20)
    )
    page = client.get(reverse("booking:booking", args=[booking.public_id]))
    assert b"Mark as did not attend" in page.content
    client.post(url, {"version": 1, "status": "dna"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DID_NOT_ATTEND and booking.version == 2
    assert AuditEvent.objects.filter(action="booking.dna").exists()


def test_attendance_is_post_only(client_for, hub_receptionist, booking):
    url = reverse("booking:booking_attendance", args=[booking.public_id])
    assert client_for(hub_receptionist).get(url).status_code == 405


def test_the_practice_sees_the_hubs_booking_in_its_list(
    client_for, receptionist_practice_b, booking
):
    response = client_for(receptionist_practice_b).get(reverse("booking:practice_bookings"))
    assert response.status_code == 200
    assert b"Ada LOVELACE" in response.content
    assert b"Aire Valley Hub" in response.content
    assert b"Not linked" in response.content  # the write-back state


def test_the_hub_lists_the_bookings_it_made(client_for, hub_receptionist, booking):
    response = client_for(hub_receptionist).get(reverse("booking:bookings_made"))
    assert b"Ada LOVELACE" in response.content and b"Kirkgate Surgery" in response.content


def test_what_people_type_is_escaped(
    client_for, hub_receptionist, hub_books_for_a, slots_b, patient_a, receptionist_practice_b
):
    client = client_for(hub_receptionist)
    _book(
        client, slots_b[0], patient_a, description="<script>alert(1)</script>", comment="<b>hi</b>"
    )
    booking = Booking.objects.get()
    pages = [
        client.get(reverse("booking:booking", args=[booking.public_id])),
        client.get(reverse("booking:confirmation", args=[booking.public_id])),
        client_for(receptionist_practice_b).get(reverse("booking:practice_bookings")),
    ]
    for page in pages:
        assert b"<script>alert" not in page.content
        assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
