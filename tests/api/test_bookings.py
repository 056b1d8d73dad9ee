"""The booking API: authentication, the acting organisation, search, booking and changing
bookings through the same services as the pages, structured errors, the schema, query
budgets and a storm over real HTTP."""

import datetime
import json
import os
import random
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.errors import CATALOGUE
from booking.models import Booking, DeliveryChannel, Slot
from governance.models import AuditEvent, Scope
from practices.models import Clinician
from practices.roles import Role
from tests.factories import MembershipFactory, PatientFactory
from tests.governance.helpers import agreement

SEARCH = "/api/v1/slots/"
BOOKINGS = "/api/v1/bookings/"
CREATE = "/api/v1/bookings/create/"


def token_client(user, **headers) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", **headers)
    return client


def error_of(response) -> dict:
    """The error, after checking it has exactly the documented shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["code"] in CATALOGUE
    assert CATALOGUE[body["error"]["code"]].status == response.status_code
    assert response["Cache-Control"] == "no-store"
    return body["error"]


def slots_of(session) -> list[Slot]:
    return list(session.slots.order_by("start"))


def book(client, slot, patient, **extra):
    headers = {}
    if "key" in extra:
        headers["HTTP_IDEMPOTENCY_KEY"] = extra.pop("key")
    body = {
        "slot_id": str(slot.public_id),
        "nhs_number": patient.nhs_number,
        "description": "Blood pressure review",
        **extra,
    }
    return client.post(CREATE, body, format="json", **headers)


def days_ahead_to(weekend: bool) -> int:
    """Days from today to the next weekday (or weekend day) at least two days away."""
    today = timezone.localdate()
    for ahead in range(2, 10):
        if ((today + datetime.timedelta(days=ahead)).isoweekday() >= 6) == weekend:
            return ahead
    raise AssertionError("unreachable")


# Authentication and the acting organisation --------------------------------------------------


def test_anonymous_requests_are_refused(client, db):
    response = client.get(SEARCH)
    assert response.status_code == 403
    assert error_of(response)["code"] == "not-authenticated"


def test_a_wrong_token_is_refused(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(SEARCH)
    assert response.status_code == 403
    assert error_of(response)["code"] == "authentication-failed"


def test_create_api_token_prints_a_token_that_works_and_rotating_retires_it(
    hub_receptionist, hub_books_for_a
):
    out = StringIO()
    call_command("create_api_token", user="hub.reception", stdout=out)
    first = out.getvalue().strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.get(SEARCH).status_code == 200

    out = StringIO()
    call_command("create_api_token", user="hub.reception", stdout=out)
    second = out.getvalue().strip()
    assert second != first
    assert client.get(SEARCH).status_code == 403  # the old token is gone
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get(SEARCH).status_code == 200
    actions = list(AuditEvent.objects.filter(action__startswith="api-token.").values_list("action"))
    assert actions == [("api-token.create",), ("api-token.rotate",)]


def test_create_api_token_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user is called"):
        call_command("create_api_token", user="nobody", stdout=StringIO())


def test_a_browser_session_works_too(client_for, hub_receptionist, hub_books_for_a):
    response = client_for(hub_receptionist).get(SEARCH)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_someone_working_for_no_organisation_is_refused(outsider):
    response = token_client(outsider).get(SEARCH)
    assert response.status_code == 403
    assert error_of(response)["code"] == "no-organisation"


def test_a_role_that_does_not_book_is_refused(ig_lead_a):
    response = token_client(ig_lead_a).get(SEARCH)
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_two_organisations_need_the_header_and_it_must_name_one_of_them(
    publish, hub_receptionist, hub_books_for_a, practice_a
):
    MembershipFactory(user=hub_receptionist, organisation=practice_a, role=Role.CLINICIAN)
    publish()
    client = token_client(hub_receptionist)

    ambiguous = client.get(SEARCH)
    assert ambiguous.status_code == 400
    error = error_of(ambiguous)
    assert error["code"] == "acting-organisation-required"
    assert sorted(error["details"]["organisations"]) == ["A10001", "U30003"]

    as_hub = client.get(SEARCH, HTTP_X_ACTING_ORGANISATION="u30003")
    assert as_hub.status_code == 200 and len(as_hub.json()["results"]) == 6

    not_mine = client.get(SEARCH, HTTP_X_ACTING_ORGANISATION="B20002")
    assert not_mine.status_code == 403
    assert error_of(not_mine)["code"] == "not-your-organisation"


def test_the_header_decides_who_booked(
    publish, hub_receptionist, hub_books_for_a, practice_a, patient_a, hub
):
    MembershipFactory(user=hub_receptionist, organisation=practice_a, role=Role.CLINICIAN)
    slot = publish()[0].slots.first()
    response = book(
        token_client(hub_receptionist, HTTP_X_ACTING_ORGANISATION="A10001"), slot, patient_a
    )
    assert response.status_code == 201
    assert response.json()["booking_organisation"]["ods_code"] == "A10001"
    assert response.json()["channel"] == Booking.Channel.PRACTICE


# Search ---------------------------------------------------------------------------------------


def test_search_returns_free_slots_in_start_order_with_offsets(
    publish, hub_receptionist, hub_books_for_a
):
    slots = slots_of(publish()[0])
    response = token_client(hub_receptionist).get(SEARCH)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [str(s.public_id) for s in slots]
    first = results[0]
    assert datetime.datetime.fromisoformat(first["start"]) == slots[0].start
    assert first["start"].endswith(("Z", "+01:00"))  # an offset, always
    assert first["practice"] == {"ods_code": "A10001", "name": "Riverside Medical Centre"}
    assert first["delivery_channel"] == DeliveryChannel.IN_PERSON
    assert response.json()["next_cursor"] is None


def test_search_times_are_written_as_drf_writes_them_in_summer_and_winter():
    from rest_framework import serializers

    from api.serializers import _when

    zone = timezone.get_current_timezone()
    for moment in (
        datetime.datetime(2026, 1, 15, 18, 30, tzinfo=datetime.UTC),  # GMT: written as Z
        datetime.datetime(2026, 7, 15, 18, 30, 15, 5, tzinfo=datetime.UTC),  # BST: +01:00
        datetime.datetime(2026, 10, 25, 0, 59, tzinfo=datetime.UTC),  # the hour before the change
    ):
        assert _when(moment, zone) == serializers.DateTimeField().to_representation(moment)


def test_search_results_are_exactly_what_the_slot_schema_describes(
    publish, hub_receptionist, hub_books_for_a
):
    """Search writes its rows by hand (slot_json) for speed; SlotSerializer documents them.
    The two must agree, for a named clinician and for a role alone."""
    from api.serializers import SlotSerializer, slot_json
    from booking.selectors import free_slots_for
    from governance.audit import Actor
    from practices.models import Membership

    named = slots_of(publish()[0])
    Slot.objects.filter(pk=named[1].pk).update(clinician=None)
    membership = Membership.objects.get(user=hub_receptionist)
    actor = Actor(user=hub_receptionist, membership=membership)
    now = timezone.now()
    found = free_slots_for(actor=actor, start=now, end=now + datetime.timedelta(days=14))
    assert any(s.clinician is None for s in found) and any(s.clinician for s in found)
    for free_slot in found:
        model = Slot.objects.select_related("practice", "site", "clinician").get(pk=free_slot.pk)
        assert slot_json(free_slot) == dict(SlotSerializer(model).data)
        assert slot_json(free_slot) == dict(SlotSerializer(free_slot).data)
    response = token_client(hub_receptionist).get(SEARCH)
    assert response.json()["results"] == [json.loads(json.dumps(slot_json(s))) for s in found]


def test_search_filters_narrow_the_slots(
    publish, hub_receptionist, hub_books_for_a, hub, practice_b, practice_manager_b
):
    agreement(practice_b, hub, Scope.BOOKING, by=practice_manager_b)
    weekday_at_a = publish(days_ahead=days_ahead_to(weekend=False))[0]
    weekend_at_a = publish(
        days_ahead=days_ahead_to(weekend=True), start=datetime.time(9), end=datetime.time(10)
    )[0]
    nurse_at_b = publish(
        manager=practice_manager_b,
        days_ahead=days_ahead_to(weekend=False),
        role=Clinician.JobRole.PRACTICE_NURSE,
    )[0]
    client = token_client(hub_receptionist)

    def found(**params) -> set:
        response = client.get(SEARCH, params)
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    def ids(*sessions) -> set:
        return {str(s.public_id) for session in sessions for s in session.slots.all()}

    assert found(practice="b20002") == ids(nurse_at_b)
    assert found(practice=["A10001", "B20002"]) == ids(weekday_at_a, weekend_at_a, nurse_at_b)
    assert found(practitioner_role=Clinician.JobRole.PRACTICE_NURSE) == ids(nurse_at_b)
    assert found(days="weekends") == ids(weekend_at_a)
    assert found(days="weekdays") == ids(weekday_at_a, nurse_at_b)
    assert found(from_time="08:00", to_time="12:00") == ids(weekend_at_a)
    assert found(site=str(weekend_at_a.site.public_id)) == ids(weekend_at_a)
    assert found(delivery_channel="Video") == set()
    assert found(slot_type="Routine appointment") == ids(weekday_at_a, weekend_at_a, nurse_at_b)
    assert found(slot_type="Smear test") == set()
    later = timezone.now() + datetime.timedelta(days=20)
    assert (
        found(start=later.isoformat(), end=(later + datetime.timedelta(days=1)).isoformat())
        == set()
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"practice": "Y99999"}, "practice"),  # not a practice the hub books into
        ({"end": "2020-01-01T00:00:00Z"}, "end"),
        ({"start": "2031-01-01T00:00:00Z", "end": "2031-01-16T00:00:00Z"}, "end"),
        ({"from_time": "20:00", "to_time": "18:00"}, "to_time"),
        ({"page_size": "51"}, "page_size"),
        ({"practitioner_role": "surgeon"}, "practitioner_role"),
        ({"cursor": "made-up"}, "cursor"),
        ({"site": "not-a-uuid"}, "site"),
    ],
)
def test_search_explains_what_is_wrong_with_a_parameter(
    hub_receptionist, hub_books_for_a, params, field
):
    response = token_client(hub_receptionist).get(SEARCH, params)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["details"]["fields"]) == [field]


def test_search_pages_with_an_opaque_cursor(publish, hub_receptionist, hub_books_for_a):
    slots = slots_of(publish()[0]) + slots_of(publish(days_ahead=3)[0])
    client = token_client(hub_receptionist)
    seen, cursor, pages = [], None, 0
    while True:
        response = client.get(SEARCH, {"page_size": 5, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        page = response.json()
        seen += [r["id"] for r in page["results"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert not cursor.isdigit()  # opaque, not a row number
        forged = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
        refused = client.get(SEARCH, {"page_size": 5, "cursor": forged})
        assert "cursor" in error_of(refused)["details"]["fields"]
    assert pages == 3
    assert seen == [str(s.public_id) for s in slots]


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


# Changing a booking ---------------------------------------------------------------------------


@pytest.fixture
def booked(publish, hub_receptionist, hub_books_for_a, patient_a):
    """A hub booking into practice A's first slot, and the hub's API client."""
    slots = slots_of(publish()[0])
    client = token_client(hub_receptionist)
    response = book(client, slots[0], patient_a)
    assert response.status_code == 201
    return client, response.json()["id"], slots


def url(booking_id, action="") -> str:
    return f"{BOOKINGS}{booking_id}/{action + '/' if action else ''}"


def test_reading_a_booking(booked, receptionist_practice_a, receptionist_practice_b):
    client, booking_id, slots = booked
    response = client.get(url(booking_id))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["slot"]["id"] == str(slots[0].public_id)
    # The practice whose slot it is sees it; another practice does not know it exists.
    assert token_client(receptionist_practice_a).get(url(booking_id)).status_code == 200
    other = token_client(receptionist_practice_b).get(url(booking_id))
    assert other.status_code == 404
    assert error_of(other)["code"] == "booking-not-found"


def test_cancelling_with_the_version(booked):
    client, booking_id, slots = booked
    response = client.post(
        url(booking_id, "cancel"), {"reason": "Feels better", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("cancelled", 2)
    assert response["ETag"] == '"2"'
    assert Slot.objects.get(pk=slots[0].pk).status == Slot.Status.FREE
    assert AuditEvent.objects.filter(action="booking.cancel").exists()


def test_a_stale_version_is_a_conflict(booked):
    client, booking_id, _ = booked
    client.post(url(booking_id, "cancel"), {"reason": "First"}, format="json", HTTP_IF_MATCH='"1"')
    response = client.post(
        url(booking_id, "cancel"), {"reason": "Second"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "booking-changed"


def test_a_change_without_a_version_is_refused(booked):
    client, booking_id, _ = booked
    response = client.post(url(booking_id, "cancel"), {"reason": "Oops"}, format="json")
    assert response.status_code == 400
    assert list(error_of(response)["details"]["fields"]) == ["version"]
    mismatch = client.post(
        url(booking_id, "cancel"),
        {"reason": "Oops", "version": 2},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert mismatch.status_code == 400
    assert Booking.objects.get(public_id=booking_id).status == Booking.Status.BOOKED


def test_rebooking_moves_the_patient(booked):
    client, booking_id, slots = booked
    response = client.post(
        url(booking_id, "rebook"),
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
        url(booking_id, "rebook"), {"slot_id": str(slots[1].public_id), "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "slot-taken"
    assert Booking.objects.get(public_id=booking_id).status == Booking.Status.BOOKED


def test_recording_did_not_attend(booked):
    client, booking_id, _ = booked
    early = client.post(url(booking_id, "status"), {"status": "dna", "version": 1}, format="json")
    assert early.status_code == 422
    assert error_of(early)["code"] == "invalid-change"
    Booking.objects.filter(public_id=booking_id).update(
        start=timezone.now() - datetime.timedelta(minutes=20)
    )
    response = client.post(
        url(booking_id, "status"), {"status": "dna", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("dna", 2)
    assert AuditEvent.objects.filter(action="booking.dna").exists()
    wrong = client.post(
        url(booking_id, "status"), {"status": "attended", "version": 2}, format="json"
    )
    assert wrong.status_code == 422


def test_another_practice_cannot_change_a_booking(booked, receptionist_practice_b):
    _, booking_id, _ = booked
    response = token_client(receptionist_practice_b).post(
        url(booking_id, "cancel"), {"reason": "Not mine", "version": 1}, format="json"
    )
    assert response.status_code == 404
    assert Booking.objects.get(public_id=booking_id).status == Booking.Status.BOOKED


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


# Errors, the schema and the docs --------------------------------------------------------------


def test_every_error_has_the_same_shape(hub_receptionist, hub_books_for_a):
    client = token_client(hub_receptionist)
    wrong_method = client.get(CREATE)
    assert (wrong_method.status_code, error_of(wrong_method)["code"]) == (
        405,
        "method-not-allowed",
    )
    malformed = client.post(CREATE, "{not json", content_type="application/json")
    assert (malformed.status_code, error_of(malformed)["code"]) == (400, "malformed-request")
    missing = client.get(url("6f1c2a8e-3b9d-4c47-9a55-0d1e2f3a4b5c"))
    assert (missing.status_code, error_of(missing)["code"]) == (404, "booking-not-found")


def test_token_clients_are_throttled(hub_receptionist, hub_books_for_a, settings):
    settings.API_TOKEN_REQUESTS_PER_MINUTE = 2
    client = token_client(hub_receptionist)
    responses = [client.get(SEARCH) for _ in range(3)]
    if responses[-1].status_code == 200:  # a minute boundary fell between the requests
        responses = [client.get(SEARCH) for _ in range(3)]
    assert [r.status_code for r in responses[:2]] == [200, 200]
    assert responses[2].status_code == 429
    assert error_of(responses[2])["code"] == "throttled"
    assert int(responses[2]["Retry-After"]) <= 60


def test_the_schema_generates_without_warnings_and_documents_the_errors(tmp_path):
    target = tmp_path / "schema.yaml"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--fail-on-warn",
            "--validate",
            "--file",
            str(target),
        ],
        cwd=Path(settings.BASE_DIR),
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    schema = yaml.safe_load(target.read_text())
    create = schema["paths"]["/api/v1/bookings/create/"]["post"]
    taken = create["responses"]["409"]["content"]["application/json"]["examples"]
    assert {"slot-taken", "slot-not-bookable"} == {
        example["value"]["error"]["code"] for example in taken.values()
    }
    assert {"200", "400", "403", "404"} <= set(
        schema["paths"]["/api/v1/bookings/{booking_id}/"]["get"]["responses"]
    )
    parameters = {p["name"] for p in schema["paths"]["/api/v1/slots/"]["get"]["parameters"]}
    assert {"X-Acting-Organisation", "start", "end", "practice", "cursor"} <= parameters


def test_the_schema_and_docs_are_for_staff(client_for, hub_receptionist, outsider, client):
    staff_client = client_for(hub_receptionist)
    schema = staff_client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
    docs = staff_client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"<style" not in docs.content  # the strict CSP allows no inline style
    assert b"swagger-ui-bundle" in docs.content
    assert client_for(outsider).get("/api/schema/").status_code == 403
    anonymous = client.get("/api/docs/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


# Query budgets --------------------------------------------------------------------------------


def test_search_queries_do_not_grow_with_slots_or_practices(
    publish, hub_receptionist, hub_books_for_a, hub, practice_b, practice_manager_b
):
    client = token_client(hub_receptionist)
    publish()
    with CaptureQueriesContext(connection) as few:
        response = client.get(SEARCH)
    assert len(response.json()["results"]) == 6
    agreement(practice_b, hub, Scope.BOOKING, by=practice_manager_b)
    publish(manager=practice_manager_b, weeks=2)
    publish(days_ahead=3, minutes=5, weeks=2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(SEARCH)
    assert len(response.json()["results"]) == 50
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


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


def test_a_booking_role_at_a_practice_that_shares_nothing_sees_only_its_own_slots(
    publish, practice_manager_b, receptionist_practice_a, hub_books_for_a
):
    publish(manager=practice_manager_b)
    own = publish()[0]
    response = token_client(receptionist_practice_a).get(SEARCH)
    assert {r["id"] for r in response.json()["results"]} == {
        str(s.public_id) for s in own.slots.all()
    }


def test_a_clinician_can_book_too(publish, clinician_a, patient_a):
    response = book(token_client(clinician_a), publish()[0].slots.first(), patient_a)
    assert response.status_code == 201
