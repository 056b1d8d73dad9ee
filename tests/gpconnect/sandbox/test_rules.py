"""GP Connect's rules for what a booking must say and what an update may change."""

from datetime import timedelta

import pytest

from gpconnect.jwt import encode_unsigned
from gpconnect.rest import Interaction
from tests.gpconnect.sandbox.calls import (
    book,
    book_one,
    free_slots,
    put,
    register,
    spine_code,
)
from tests.gpconnect.sandbox.harness import good_claims


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": "pending"}, "INVALID_RESOURCE"),
        ({"description": ""}, "INVALID_RESOURCE"),
        ({"description": "x" * 101}, "INVALID_RESOURCE"),
        ({"created": None}, "INVALID_RESOURCE"),
        ({"booking_organization": None}, "INVALID_RESOURCE"),
        ({"location_id": "elsewhere"}, "INVALID_RESOURCE"),
        ({"patient_id": "999"}, "REFERENCE_NOT_FOUND"),
        ({"slot_ids": ("no-such-slot",)}, "REFERENCE_NOT_FOUND"),
    ],
)
def test_book_refuses_what_gp_connect_refuses(sandbox, changes, code):
    slot = free_slots(sandbox)[0]

    answer = book(sandbox, slot, register(sandbox), **changes)

    assert answer.status == 422 and spine_code(answer) == code
    assert sandbox.ledger() == []


def test_book_refuses_a_slot_in_the_past(sandbox):
    slot = free_slots(sandbox)[0]
    patient_id = register(sandbox)
    sandbox.clock.offset = timedelta(days=30)

    answer = book(sandbox, slot, patient_id)

    assert answer.status == 422 and "future" in answer.body["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    ("change", "interaction"),
    [
        ({"start": "2030-01-01T18:30:00+00:00"}, Interaction.AMEND_APPOINTMENT),
        ({"slot": [{"reference": "Slot/other"}]}, Interaction.AMEND_APPOINTMENT),
        ({"status": "cancelled"}, Interaction.AMEND_APPOINTMENT),
        ({"status": "noshow"}, Interaction.AMEND_APPOINTMENT),
        ({"priority": 1}, Interaction.AMEND_APPOINTMENT),
        ({"status": "cancelled", "comment": "Changed"}, Interaction.CANCEL_APPOINTMENT),
    ],
)
def test_updates_may_change_only_what_gp_connect_allows(sandbox, change, interaction):
    booked = book_one(sandbox)

    answer = put(sandbox, booked | change, "1", interaction)

    assert answer.status == 422 and spine_code(answer) == "INVALID_RESOURCE"
    assert sandbox.ledger()[0]["version"] == "1"


def test_a_cancellation_without_a_reason_is_an_invalid_parameter(sandbox):
    booked = book_one(sandbox)

    answer = put(sandbox, booked | {"status": "cancelled"}, "1", Interaction.CANCEL_APPOINTMENT)

    assert answer.status == 422 and spine_code(answer) == "INVALID_PARAMETER"


def test_appointments_in_the_past_cannot_be_changed(sandbox):
    booked = book_one(sandbox)
    sandbox.clock.offset = timedelta(days=30)
    claims = good_claims(Interaction.AMEND_APPOINTMENT, now=sandbox.clock())

    answer = sandbox.gpconnect(
        Interaction.AMEND_APPOINTMENT,
        "PUT",
        f"/Appointment/{booked['id']}",
        body=booked | {"description": "Late"},
        headers={"If-Match": 'W/"1"', "Authorization": f"Bearer {encode_unsigned(claims)}"},
    )

    assert answer.status == 422 and "past" in answer.body["issue"][0]["diagnostics"]
