"""OperationOutcome with Spine codes, both ways."""

import pytest

from gpconnect import codes
from gpconnect.errors import (
    GPConnectError,
    SpineError,
    operation_outcome,
    parse_operation_outcome,
    transient_outcome,
)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (SpineError.BAD_REQUEST, 400),
        (SpineError.INVALID_RESOURCE, 422),
        (SpineError.INVALID_PARAMETER, 422),
        (SpineError.DUPLICATE_REJECTED, 409),
        (SpineError.NO_RECORD_FOUND, 404),
        (SpineError.INVALID_NHS_NUMBER, 400),
        (SpineError.FHIR_CONSTRAINT_VIOLATION, 422),
        (SpineError.INTERNAL_SERVER_ERROR, 500),
    ],
)
def test_spine_errors_carry_their_http_status(error, status):
    assert error.http_status == status
    assert SpineError.from_code(error.code) is error


def test_operation_outcome_round_trips_code_and_diagnostics():
    outcome = operation_outcome(SpineError.DUPLICATE_REJECTED, "Slot 7 is booked.")

    assert outcome["meta"]["profile"] == [codes.PROFILE_OPERATION_OUTCOME]
    coding = outcome["issue"][0]["details"]["coding"][0]
    assert coding["system"] == codes.SYSTEM_SPINE_ERROR
    parsed = parse_operation_outcome(outcome)
    assert parsed.error is SpineError.DUPLICATE_REJECTED
    assert parsed.diagnostics == "Slot 7 is booked."
    assert parsed.issue_type == "duplicate"


def test_gpconnect_error_status_can_be_overridden_for_stale_versions():
    error = GPConnectError(SpineError.FHIR_CONSTRAINT_VIOLATION, "stale", http_status=409)

    assert error.http_status == 409
    assert parse_operation_outcome(error.to_operation_outcome()).code == (
        "FHIR_CONSTRAINT_VIOLATION"
    )


def test_transient_outcome_has_no_spine_code():
    parsed = parse_operation_outcome(transient_outcome("down"))

    assert parsed.code == "" and parsed.error is None and parsed.issue_type == "transient"


@pytest.mark.parametrize("body", [None, {}, {"resourceType": "Bundle"}, "text"])
def test_parse_operation_outcome_ignores_other_bodies(body):
    assert parse_operation_outcome(body) is None
