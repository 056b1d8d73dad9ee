"""The sandbox misbehaving on demand: errors, dropped connections, commit then drop, timeouts,
latency, seeded rates, and the practice's own staff acting first."""

import http.client
import time

import pytest

from gpconnect.rest import Interaction
from tests.gpconnect.sandbox.calls import (
    book,
    book_one,
    free_slots,
    put,
    raw_search,
    register,
    spine_code,
)


@pytest.mark.parametrize("status", [500, 503])
def test_error_fault_answers_5xx_and_does_nothing(sandbox, status):
    slot = free_slots(sandbox)[0]
    patient_id = register(sandbox)
    sandbox.control(next=[{"fault": "error", "status": status, "interaction": "book_appointment"}])

    answer = book(sandbox, slot, patient_id)

    assert answer.status == status
    assert answer.body["resourceType"] == "OperationOutcome"
    assert sandbox.ledger() == []
    assert book(sandbox, slot, patient_id).status == 201  # one-shot: used up


def test_drop_fault_closes_the_connection_without_an_answer(sandbox):
    sandbox.control(next=[{"fault": "drop"}])

    with pytest.raises(http.client.RemoteDisconnected):
        raw_search(sandbox)
    assert sandbox.requests()[-1]["fault"] == "drop"


def test_commit_then_drop_keeps_the_booking_but_sends_no_answer(sandbox):
    slot = free_slots(sandbox)[0]
    patient_id = register(sandbox)
    sandbox.control(next=[{"fault": "commit_then_drop", "interaction": "book_appointment"}])

    with pytest.raises(http.client.RemoteDisconnected):
        book(sandbox, slot, patient_id)

    assert [entry["reference"] for entry in sandbox.ledger()] == ["ref-1"]


@pytest.mark.parametrize(("commits", "booked"), [(False, 0), (True, 1)])
def test_timeout_fault_hangs_past_the_read_timeout(sandbox, commits, booked):
    slot = free_slots(sandbox)[0]
    patient_id = register(sandbox)
    sandbox.control(
        next=[{"fault": "timeout", "hang_ms": 1500, "commits": commits}],
    )

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        book(sandbox, slot, patient_id, timeout=0.3)

    assert time.monotonic() - started < 1.2
    assert len(sandbox.ledger()) == booked


def test_latency_is_added_to_every_gp_connect_request(sandbox):
    sandbox.control(latency_ms=200)

    started = time.monotonic()
    raw_search(sandbox)
    sandbox.call("GET", "/_health")

    assert time.monotonic() - started >= 0.2
    assert sandbox.call("GET", "/_control").body["latency_ms"] == 200


def test_error_rate_applies_to_the_named_interactions_only(sandbox):
    sandbox.control(error_rate=1.0, error_statuses=[503], interactions=["book_appointment"])
    slot = free_slots(sandbox)[0]

    assert book(sandbox, slot, register(sandbox)).status == 503


def test_fault_rates_are_drawn_repeatably_from_the_seed(sandbox):
    def statuses():
        sandbox.control(error_rate=0.5, seed=7)
        return [raw_search(sandbox).status for _ in range(12)]

    first = statuses()
    assert first == statuses()
    assert set(first) <= {200, 500, 503} and 200 in first and len(set(first)) > 1


def test_the_practice_fills_a_slot_on_the_next_book(sandbox):
    slot = free_slots(sandbox)[0]
    patient_id = register(sandbox)
    sandbox.control(fill_on_next_book=[slot["id"]])

    answer = book(sandbox, slot, patient_id)

    assert answer.status == 409 and spine_code(answer) == "DUPLICATE_REJECTED"
    (entry,) = sandbox.ledger()
    assert entry["booked_via"] == "practice" and entry["slot_ids"] == [slot["id"]]
    assert sandbox.control()["fill_on_next_book"] == []


def test_the_practice_edits_an_appointment_right_after_it_is_read(sandbox):
    booked = book_one(sandbox)
    sandbox.control(practice_edits_after_read={booked["id"]: 1})

    read = sandbox.gpconnect(Interaction.READ_APPOINTMENT, "GET", f"/Appointment/{booked['id']}")

    assert read.headers["ETag"] == 'W/"1"'
    assert sandbox.ledger()[0]["version"] == "2"
    assert put(sandbox, read.body | {"description": "x"}, "1").status == 409
