"""Helpers for API tests: token clients, the error shape, booking through the API."""

import datetime

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.errors import CATALOGUE
from booking.models import Slot

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


def booking_url(booking_id, action="") -> str:
    return f"{BOOKINGS}{booking_id}/{action + '/' if action else ''}"


def audited_patients(event) -> set:
    """The patients an audit event names, one or a listed page of them."""
    listed = {row.patient for row in event.listed_patients.select_related("patient")}
    return listed | ({event.patient} if event.patient_id else set())
