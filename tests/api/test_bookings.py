"""Bookings through the API: book, read, change, cancel, rebook, list, through the same
services as the pages, and a storm over real HTTP."""

import json
import random
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from booking.models import Booking
from governance.models import AuditEvent, Scope
from tests.api.helpers import (
    BOOKINGS,
    CREATE,
    book,
    error_of,
    slots_of,
    token_client,
)
from tests.factories import PatientFactory
from tests.governance.helpers import agreement

# Booking --------------------------------------------------------------------------------------


def test_booking_a_slot(publish, hub_receptionist, hub_books_for_a, patient_a, hub):
    slot = publish()[0].slots.first()
    response = book(token_client(hub_receptionist), slot, patient_a, comment="Hard of hearing")
    assert response.status_code == 201
    body = response.json()
    booking = Booking.objects.get(public_id=body["id"])
    assert response["Location"] == reverse("api:booking_detail", args=[booking.public_id])
    assert response["ETag"] == '"1"'
    assert body["slot"]["id"] == str(slot.public_id)
    assert body["patient"]["nhs_number"] == patient_a.nhs_number
    assert body["booking_organisation"]["ods_code"] == hub.ods_code
    assert (body["status"], body["version"], body["channel"]) == ("booked", 1, "hub")
    assert body["description"] == "Blood pressure review"
    assert body["comment"] == "Hard of hearing"
    assert AuditEvent.objects.filter(
        action="booking.create", patient=patient_a, outcome="allowed"
    ).exists()


def test_a_taken_slot_is_409_with_the_nearest_alternatives(
    publish, hub_receptionist, hub_books_for_a, practice_a
):
    slots = slots_of(publish()[0])
    client = token_client(hub_receptionist)
    assert book(client, slots[2], PatientFactory(registered_practice=practice_a)).status_code == 201
    response = book(client, slots[2], PatientFactory(registered_practice=practice_a))
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "slot-taken"
    alternatives = [a["id"] for a in error["details"]["alternatives"]]
    assert alternatives == [str(slots[i].public_id) for i in (1, 3, 0)]


def test_a_slot_not_released_to_the_caller_is_409_with_the_reason(
    publish, hub_receptionist, hub_books_for_a, patient_a
):
    from booking.models import Audience
    from booking.services.sessions import RuleSpec

    rule = RuleSpec(audience=Audience.HUB, opens="before-start", opens_minutes_before=60)
    slot = publish(rules=(rule,))[0].slots.first()
    response = book(token_client(hub_receptionist), slot, patient_a)
    assert response.status_code == 409
    error = error_of(response)
    assert (error["code"], error["details"]["reason_code"]) == ("slot-not-bookable", "embargoed")


def test_a_patient_with_no_basis_is_not_found_and_the_refusal_is_audited(
    publish, hub_receptionist, hub_books_for_a, patient_b
):
    slot = publish()[0].slots.first()
    client = token_client(hub_receptionist)
    response = book(client, slot, patient_b)  # practice B shares nothing with the hub
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "patient-not-found"
    assert AuditEvent.objects.filter(
        patient=patient_b, action="booking.create", outcome="denied"
    ).exists()
    assert not Booking.objects.exists()

    unknown = PatientFactory.build().nhs_number  # valid, but nobody has it
    nobody = book(client, slot, PatientFactory.build(nhs_number=unknown))
    assert nobody.status_code == 404
    assert error_of(nobody) == error  # existence does not leak
    assert AuditEvent.objects.filter(
        action="booking.create", outcome="denied", patient=None
    ).exists()


def test_a_slot_the_caller_does_not_book_into_is_not_found(
    publish, hub_receptionist, practice_manager_b, patient_a
):
    slot = publish(manager=practice_manager_b)[0].slots.first()
    response = book(token_client(hub_receptionist), slot, patient_a)
    assert response.status_code == 404
    assert error_of(response)["code"] == "slot-not-found"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"nhs_number": "123 456 7890"}, "nhs_number"),
        ({"description": "x" * 101}, "description"),
        ({"comment": "x" * 501}, "comment"),
        ({"slot_id": "17"}, "slot_id"),
    ],
)
def test_booking_input_is_checked_field_by_field(
    publish, hub_receptionist, hub_books_for_a, patient_a, change, field
):
    slot = publish()[0].slots.first()
    response = book(token_client(hub_receptionist), slot, patient_a, **change)
    assert response.status_code == 400
    assert list(error_of(response)["details"]["fields"]) == [field]


def test_a_retried_request_returns_the_same_booking(
    publish, hub_receptionist, hub_books_for_a, patient_a, practice_a
):
    slots = slots_of(publish()[0])
    client = token_client(hub_receptionist)
    first = book(client, slots[0], patient_a, key="retry-7f3c")
    again = book(client, slots[0], patient_a, key="retry-7f3c")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Booking.objects.count() == 1

    other = book(client, slots[1], PatientFactory(registered_practice=practice_a), key="retry-7f3c")
    assert other.status_code == 422
    assert error_of(other)["code"] == "idempotency-key-reused"


def test_idempotency_keys_belong_to_the_organisation_that_sent_them(
    publish, hub_receptionist, hub_books_for_a, patient_a, receptionist_practice_a, practice_a
):
    slots = slots_of(publish()[0])
    assert book(token_client(hub_receptionist), slots[0], patient_a, key="k-1").status_code == 201
    theirs = book(
        token_client(receptionist_practice_a),
        slots[1],
        PatientFactory(registered_practice=practice_a),
        key="k-1",
    )
    assert theirs.status_code == 201
    assert Booking.objects.count() == 2


# Lists of bookings ----------------------------------------------------------------------------


def test_the_bookings_list_shows_what_was_made_and_what_came_in(
    booked, receptionist_practice_a, receptionist_practice_b, hub_receptionist
):
    client, booking_id, _ = booked
    made = client.get(BOOKINGS)
    assert made.status_code == 200
    assert [b["id"] for b in made.json()["results"]] == [booking_id]
    into_a = token_client(receptionist_practice_a).get(BOOKINGS, {"scope": "into"})
    assert [b["id"] for b in into_a.json()["results"]] == [booking_id]
    assert token_client(receptionist_practice_a).get(BOOKINGS).json()["results"] == []
    into_b = token_client(receptionist_practice_b).get(BOOKINGS, {"scope": "into"})
    assert into_b.json()["results"] == []
    hub_into = client.get(BOOKINGS, {"scope": "into"})
    assert hub_into.status_code == 403
    assert error_of(hub_into)["code"] == "forbidden"
    assert AuditEvent.objects.filter(action="booking.list", reason="results=1").count() == 2
    cancelled = client.get(BOOKINGS, {"status": "cancelled"})
    assert cancelled.json()["results"] == []


def test_the_bookings_list_pages(publish, hub_receptionist, hub_books_for_a, practice_a):
    client = token_client(hub_receptionist)
    for slot in slots_of(publish()[0]):
        book(client, slot, PatientFactory(registered_practice=practice_a))
    first = client.get(BOOKINGS, {"page_size": 4}).json()
    second = client.get(BOOKINGS, {"page_size": 4, "cursor": first["next_cursor"]}).json()
    assert (len(first["results"]), len(second["results"])) == (4, 2)
    assert second["next_cursor"] is None
    starts = [b["start"] for b in first["results"] + second["results"]]
    assert starts == sorted(starts)


def test_booking_list_queries_do_not_grow_with_bookings(
    publish, hub_receptionist, hub_books_for_a, hub, practice_a, practice_b, practice_manager_b
):
    client = token_client(hub_receptionist)
    slots = slots_of(publish()[0])
    book(client, slots[0], PatientFactory(registered_practice=practice_a))
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(BOOKINGS).json()["results"]) == 1
    agreement(practice_b, hub, Scope.BOOKING, by=practice_manager_b)
    for slot in slots[1:] + slots_of(publish(manager=practice_manager_b)[0]):
        patient = PatientFactory(registered_practice=random.choice([practice_a, practice_b]))
        assert book(client, slot, patient).status_code == 201
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(BOOKINGS).json()["results"]) == 12
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# A storm over HTTP ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_storm_of_requests_on_ten_slots_books_exactly_ten(
    publish, hub_receptionist, hub_books_for_a, practice_a, live_server
):
    """1,000 concurrent POSTs through the whole stack (HTTP, token auth, the service, the
    database constraint): exactly ten bookings, every other answer a 409, never a 5xx."""
    slots = slots_of(publish(minutes=9)[0])[:10]
    patients = PatientFactory.create_batch(25, registered_practice=practice_a)
    token = Token.objects.create(user=hub_receptionist).key
    rng = random.Random(1234)
    bodies = [
        json.dumps(
            {
                "slot_id": str(rng.choice(slots).public_id),
                "nhs_number": rng.choice(patients).nhs_number,
                "description": "Storm",
            }
        ).encode()
        for _ in range(1000)
    ]

    def attempt(body: bytes) -> str:
        request = urllib.request.Request(  # noqa: S310 (the live server's http:// URL)
            f"{live_server.url}{CREATE}",
            data=body,
            method="POST",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                return str(response.status)
        except urllib.error.HTTPError as error:
            body = error.read()
            try:
                return f"{error.code} {json.loads(body)['error']['code']}"
            except ValueError:
                return f"{error.code} {body[:200]!r}"

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = Counter(pool.map(attempt, bodies))

    assert outcomes["201"] == 10, outcomes
    assert set(outcomes) <= {"201", "409 slot-taken"}, outcomes
    live = Booking.objects.exclude(status=Booking.Status.CANCELLED)
    assert live.count() == 10 and live.values("slot").distinct().count() == 10


def test_a_clinician_can_book_too(publish, clinician_a, patient_a):
    response = book(token_client(clinician_a), publish()[0].slots.first(), patient_a)
    assert response.status_code == 201
