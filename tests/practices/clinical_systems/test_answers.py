"""What the practice system's answer, or its silence, becomes: each fault the sandbox can
play, mapped onto base.py's exceptions as the GP Connect package documents."""

import socket
from datetime import date, timedelta

import pytest

from practices.clinical_systems.base import (
    ClinicalSystemError,
    NotFound,
    OutcomeUnknown,
    Rejected,
    Unavailable,
)
from practices.clinical_systems.gpconnect.answers import Answer, raise_unless_ok
from practices.clinical_systems.gpconnect.operations import GPConnectClient
from practices.clinical_systems.gpconnect.transport import Timeouts
from tests.gpconnect.sandbox.harness import PRACTICE
from tests.practices.clinical_systems.builders import (
    HUB_RECEPTIONIST,
    NHS_NUMBER,
    book,
    free_slots,
    today,
)


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_answer_is_unavailable(client, sandbox, status):
    sandbox.control(next=[{"fault": "error", "status": status}])

    with pytest.raises(Unavailable) as caught:
        free_slots(client, sandbox)
    assert caught.value.retryable


def test_a_gateway_timeout_on_a_booking_may_have_booked(client, sandbox):
    sandbox.control(next=[{"fault": "error", "status": 504, "interaction": "book_appointment"}])

    with pytest.raises(OutcomeUnknown):
        book(client, sandbox)


def test_a_dropped_connection_before_booking_is_outcome_unknown_and_nothing_was_booked(
    client, sandbox
):
    sandbox.control(next=[{"fault": "drop", "interaction": "book_appointment"}])

    with pytest.raises(OutcomeUnknown):
        book(client, sandbox)
    assert sandbox.ledger() == []


def test_commit_then_drop_is_outcome_unknown_and_reconciling_finds_the_booking(client, sandbox):
    sandbox.control(next=[{"fault": "commit_then_drop", "interaction": "book_appointment"}])

    with pytest.raises(OutcomeUnknown):
        book(client, sandbox)

    found = client.retrieve_patient_appointments(
        requester=HUB_RECEPTIONIST,
        practice_ods=PRACTICE,
        nhs_number=NHS_NUMBER,
        start=today(sandbox),
        end=today(sandbox) + timedelta(days=30),
    )
    assert [a.reference for a in found] == ["0b6a53e4-booking"]
    assert len(sandbox.ledger()) == 1


def test_a_read_timeout_after_booking_is_outcome_unknown(client, sandbox):
    sandbox.control(
        next=[
            {
                "fault": "timeout",
                "interaction": "book_appointment",
                "hang_ms": 3000,
                "commits": True,
            }
        ]
    )

    with pytest.raises(OutcomeUnknown, match="ReadTimeout"):
        book(client, sandbox)
    assert len(sandbox.ledger()) == 1


def test_a_read_timeout_on_a_search_is_only_unavailable(client, sandbox):
    sandbox.control(next=[{"fault": "timeout", "hang_ms": 3000}])

    with pytest.raises(Unavailable):
        free_slots(client, sandbox)


def test_a_dropped_connection_during_a_cancel_is_outcome_unknown_and_a_retry_is_safe(
    client, sandbox
):
    booked = book(client, sandbox)
    sandbox.control(next=[{"fault": "commit_then_drop", "interaction": "cancel_appointment"}])
    kwargs = dict(
        requester=HUB_RECEPTIONIST,
        practice_ods=PRACTICE,
        external_id=booked.external_id,
        reason="Unwell",
    )

    with pytest.raises(OutcomeUnknown):
        client.cancel(**kwargs)
    retried = client.cancel(**kwargs)

    assert retried.status == "cancelled" and retried.version == "2"


def test_latency_under_the_read_timeout_is_just_slow(client, sandbox):
    sandbox.control(latency_ms=100)

    assert book(client, sandbox).status == "booked"


def test_connection_refused_is_unavailable():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = GPConnectClient(f"http://127.0.0.1:{port}", timeouts=Timeouts(connect=1, read=1))

    with pytest.raises(Unavailable, match="connect"):
        client.search_free_slots(
            requester=HUB_RECEPTIONIST,
            practice_ods=PRACTICE,
            start=date.today(),
            end=date.today(),
        )


@pytest.mark.parametrize(
    ("status", "writes", "expected"),
    [
        (404, False, NotFound),
        (400, True, Rejected),
        (403, False, Rejected),
        (422, True, Rejected),
        (429, True, Unavailable),
        (500, True, Unavailable),
        (503, False, Unavailable),
        (504, False, Unavailable),
        (504, True, OutcomeUnknown),
    ],
)
def test_each_status_means_what_the_mapping_says(status, writes, expected):
    with pytest.raises(ClinicalSystemError) as caught:
        raise_unless_ok(Answer(status, "", None), writes=writes, what="Testing")

    assert type(caught.value) is expected
    assert f"HTTP {status}" in str(caught.value)


def test_a_success_says_nothing():
    assert raise_unless_ok(Answer(201, 'W/"1"', {}), writes=True, what="Testing") is None
