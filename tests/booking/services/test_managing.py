"""Changing a booking's details (what it is for, the comment for the practice): the service,
the "Change details" page and the API operation, each guarded by the booking's version."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from booking.errors import BookingChanged, InvalidBookingChange
from booking.models import Booking
from booking.services import bookings, managing
from core.errors import NotFound
from governance.models import AuditEvent
from tests.governance.helpers import actor_for


@pytest.fixture
def booking(publish, hub_receptionist, hub_books_for_a, patient_a) -> Booking:
    """The hub's booking into practice A's evening slot, two days ahead."""
    return bookings.book_slot(
        by=actor_for(hub_receptionist),
        slot=publish()[0].slots.first(),
        patient=patient_a,
        description="Blood pressure review",
        comment="Bring your home readings",
    )


def _amend(user, booking, **changes) -> Booking:
    fields = {"description": booking.description, "comment": booking.comment, **changes}
    return managing.amend_booking(by=actor_for(user), booking=booking, **fields)


# The service -------------------------------------------------------------------------------


def test_amending_changes_the_details_and_the_version_and_is_audited(hub_receptionist, booking):
    amended = _amend(
        hub_receptionist,
        booking,
        description="  Medication review ",
        comment="Needs an interpreter (Polish)",
        expected_version=1,
    )
    booking.refresh_from_db()
    assert (booking.description, booking.comment) == (
        "Medication review",
        "Needs an interpreter (Polish)",
    )
    assert booking.version == amended.version == 2
    assert AuditEvent.objects.filter(
        action="booking.amend", patient=booking.patient, object_id=str(booking.public_id)
    ).exists()


def test_two_people_amending_at_once_cannot_overwrite_each_other(hub_receptionist, booking):
    _amend(hub_receptionist, booking, comment="First", expected_version=1)
    with pytest.raises(BookingChanged):
        _amend(hub_receptionist, booking, comment="Second", expected_version=1)
    booking.refresh_from_db()
    assert booking.comment == "First"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"description": "   "}, "description", "Enter what the appointment is for"),
        ({"description": "x" * 101}, "description", "100 characters or fewer"),
        ({"comment": "x" * 501}, "comment", "500 characters or fewer"),
    ],
)
def test_amending_checks_the_details(hub_receptionist, booking, changes, field, message):
    with pytest.raises(InvalidBookingChange) as refused:
        _amend(hub_receptionist, booking, **changes)
    assert message in refused.value.message
    assert list(refused.value.details["fields"]) == [field]
    booking.refresh_from_db()
    assert booking.version == 1


def test_the_longest_details_allowed_are_kept_whole(hub_receptionist, booking):
    _amend(hub_receptionist, booking, description="d" * 100, comment="c" * 500)
    booking.refresh_from_db()
    assert (len(booking.description), len(booking.comment)) == (100, 500)


def test_a_cancelled_or_past_appointment_cannot_be_amended(hub_receptionist, booking):
    Booking.objects.filter(pk=booking.pk).update(start=timezone.now() - datetime.timedelta(hours=1))
    booking.refresh_from_db()
    with pytest.raises(InvalidBookingChange, match="still to come"):
        _amend(hub_receptionist, booking, comment="Too late")
    Booking.objects.filter(pk=booking.pk).update(start=timezone.now() + datetime.timedelta(days=1))
    booking.refresh_from_db()
    managing.cancel_booking(by=actor_for(hub_receptionist), booking=booking, reason="Better")
    booking.refresh_from_db()
    with pytest.raises(InvalidBookingChange, match="still to come"):
        _amend(hub_receptionist, booking, comment="Cancelled")


def test_amending_to_the_same_details_changes_nothing(hub_receptionist, booking):
    same = _amend(hub_receptionist, booking, expected_version=1)
    assert same.version == 1
    booking.refresh_from_db()
    assert booking.version == 1


def test_the_slots_practice_may_amend_and_another_practice_may_not(
    booking, receptionist_practice_a, receptionist_practice_b
):
    _amend(receptionist_practice_a, booking, comment="Clinician asks for a urine sample")
    with pytest.raises(NotFound):
        _amend(receptionist_practice_b, booking, comment="Not ours")
    booking.refresh_from_db()
    assert booking.comment == "Clinician asks for a urine sample"


# The "Change details" page -----------------------------------------------------------------


def _page(booking) -> str:
    return reverse("booking:booking_amend", args=[booking.public_id])


def test_the_booking_page_links_to_change_details(client_for, hub_receptionist, booking):
    detail = client_for(hub_receptionist).get(reverse("booking:booking", args=[booking.public_id]))
    assert detail.content.count(_page(booking).encode()) == 3  # the button and two "Change"s
    assert b"Change details" in detail.content


def test_a_cancelled_booking_offers_no_change(client_for, hub_receptionist, booking):
    managing.cancel_booking(by=actor_for(hub_receptionist), booking=booking, reason="Better")
    detail = client_for(hub_receptionist).get(reverse("booking:booking", args=[booking.public_id]))
    assert _page(booking).encode() not in detail.content


def test_change_details_shows_the_current_details_and_saves_new_ones(
    client_for, hub_receptionist, booking
):
    client = client_for(hub_receptionist)
    form = client.get(_page(booking))
    assert form.status_code == 200
    assert b'value="Blood pressure review"' in form.content
    assert b"Bring your home readings</textarea>" in form.content
    assert b'name="version" value="1"' in form.content
    saved = client.post(
        _page(booking),
        {"version": 1, "description": "Medication review", "comment": ""},
        follow=True,
    )
    assert saved.redirect_chain == [(reverse("booking:booking", args=[booking.public_id]), 302)]
    assert b"Appointment details changed" in saved.content
    booking.refresh_from_db()
    assert (booking.description, booking.comment, booking.version) == (
        "Medication review",
        "",
        2,
    )


def test_change_details_explains_what_is_wrong_the_nhs_way(client_for, hub_receptionist, booking):
    response = client_for(hub_receptionist).post(
        _page(booking), {"version": 1, "description": "", "comment": "x" * 501}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert '<a href="#id_description">Enter what the appointment is for</a>' in content
    assert '<a href="#id_comment">The comment must be 500 characters or fewer</a>' in content
    assert "<title>Error: " in content
    booking.refresh_from_db()
    assert booking.version == 1


def test_change_details_made_meanwhile_asks_the_receptionist_to_reload(
    client_for, hub_receptionist, booking
):
    _amend(hub_receptionist, booking, comment="Changed by a colleague")
    response = client_for(hub_receptionist).post(
        _page(booking), {"version": 1, "description": "Medication review", "comment": "Mine"}
    )
    assert b"Someone else changed this booking a moment ago" in response.content
    assert b"Reload the appointment" in response.content
    booking.refresh_from_db()
    assert booking.comment == "Changed by a colleague"


def test_change_details_is_for_the_two_organisations_only(
    client, client_for, booking, receptionist_practice_b
):
    anonymous = client.get(_page(booking))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    other = client_for(receptionist_practice_b).post(
        _page(booking), {"version": 1, "description": "Not ours", "comment": ""}
    )
    assert other.status_code == 404
    booking.refresh_from_db()
    assert booking.description == "Blood pressure review"


# The API -----------------------------------------------------------------------------------


def _api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _amend_url(booking) -> str:
    return f"/api/v1/bookings/{booking.public_id}/amend/"


def test_the_api_amends_the_comment_alone(hub_receptionist, booking):
    response = _api(hub_receptionist).post(
        _amend_url(booking), {"comment": "Needs a chaperone", "version": 1}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["description"], body["comment"], body["version"]) == (
        "Blood pressure review",
        "Needs a chaperone",
        2,
    )
    assert response["ETag"] == '"2"'
    assert AuditEvent.objects.filter(action="booking.amend").exists()


def test_the_api_refuses_a_stale_version_with_409(hub_receptionist, booking):
    client = _api(hub_receptionist)
    client.post(_amend_url(booking), {"comment": "First", "version": 1}, format="json")
    response = client.post(_amend_url(booking), {"comment": "Second", "version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "booking-changed"
    booking.refresh_from_db()
    assert booking.comment == "First"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "x" * 101, "version": 1}, "description"),
        ({"comment": "x" * 501, "version": 1}, "comment"),
        ({"description": "", "version": 1}, "description"),
        ({"version": 1}, "non_field_errors"),
        ({"comment": "No version"}, "version"),
    ],
)
def test_the_api_checks_the_details_field_by_field(hub_receptionist, booking, body, field):
    response = _api(hub_receptionist).post(_amend_url(booking), body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["details"]["fields"]) == [field]


def test_the_api_refuses_to_amend_a_cancelled_booking_with_422(hub_receptionist, booking):
    managing.cancel_booking(by=actor_for(hub_receptionist), booking=booking, reason="Better")
    response = _api(hub_receptionist).post(
        _amend_url(booking), {"comment": "Too late", "version": 2}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid-change"


def test_another_practice_cannot_amend_through_the_api(booking, receptionist_practice_b):
    response = _api(receptionist_practice_b).post(
        _amend_url(booking), {"comment": "Not ours", "version": 1}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "booking-not-found"


def test_the_schema_documents_the_amend_operation_and_its_errors(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/bookings/{booking_id}/amend/"]["post"]
    assert operation["operationId"] == "bookings_amend"
    assert {"200", "400", "404", "409", "422"} <= set(operation["responses"])
    conflict = operation["responses"]["409"]["content"]["application/json"]["examples"]
    assert [e["value"]["error"]["code"] for e in conflict.values()] == ["booking-changed"]
    request = schema["components"]["schemas"]["BookingAmendRequest"]["properties"]
    assert request["description"]["maxLength"] == 100
    assert request["comment"]["anyOf"][0]["maxLength"] == 500  # or empty, to remove it
