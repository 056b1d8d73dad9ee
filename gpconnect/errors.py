"""Spine error codes and the OperationOutcome that carries them.

GP Connect answers every failure with an HTTP status and a GPConnect-OperationOutcome-1
whose `issue[0].details.coding[0].code` is a Spine error code (system
Spine-ErrorOrWarningCode-1). Sources: nhsconnect/gpconnect
`development_fhir_error_handling_guidance.md` (codes, statuses, examples), the use-case
pages (409 DUPLICATE_REJECTED when a slot is no longer free; 422 INVALID_RESOURCE for an
amendment that changes more than it may; 422 INVALID_PARAMETER for a bad date range) and
the GP Connect provider acceptance tests (a stale If-Match answered 409
FHIR_CONSTRAINT_VIOLATION).
"""

import enum
from dataclasses import dataclass
from typing import Any

from gpconnect import codes


class SpineError(enum.Enum):
    """A Spine error code with its usual HTTP status, FHIR issue type and display text."""

    BAD_REQUEST = ("BAD_REQUEST", 400, "invalid", "Bad request")
    INVALID_RESOURCE = ("INVALID_RESOURCE", 422, "invalid", "Invalid validation of resource")
    INVALID_PARAMETER = ("INVALID_PARAMETER", 422, "invalid", "Invalid parameter")
    REFERENCE_NOT_FOUND = ("REFERENCE_NOT_FOUND", 422, "invalid", "Referenced resource not found")
    DUPLICATE_REJECTED = (
        "DUPLICATE_REJECTED",
        409,
        "duplicate",
        "Create would lead to creation of a duplicate resource",
    )
    NO_RECORD_FOUND = ("NO_RECORD_FOUND", 404, "not-found", "No record found")
    PATIENT_NOT_FOUND = ("PATIENT_NOT_FOUND", 404, "not-found", "Patient not found")
    ORGANISATION_NOT_FOUND = (
        "ORGANISATION_NOT_FOUND",
        404,
        "not-found",
        "Organisation record not found",
    )
    INVALID_NHS_NUMBER = ("INVALID_NHS_NUMBER", 400, "value", "Invalid NHS number")
    INVALID_IDENTIFIER_SYSTEM = (
        "INVALID_IDENTIFIER_SYSTEM",
        400,
        "value",
        "Invalid identifier system",
    )
    INVALID_IDENTIFIER_VALUE = (
        "INVALID_IDENTIFIER_VALUE",
        400,
        "value",
        "Invalid identifier value",
    )
    FHIR_CONSTRAINT_VIOLATION = (
        "FHIR_CONSTRAINT_VIOLATION",
        422,
        "invalid",
        "FHIR constraint violated",
    )
    ACCESS_DENIED = ("ACCESS_DENIED", 403, "forbidden", "Access has been denied")
    NOT_IMPLEMENTED = ("NOT_IMPLEMENTED", 501, "not-supported", "Not implemented")
    INTERNAL_SERVER_ERROR = (
        "INTERNAL_SERVER_ERROR",
        500,
        "exception",
        "Unexpected internal server error",
    )

    def __init__(self, code: str, http_status: int, issue_type: str, display: str) -> None:
        self.code = code
        self.http_status = http_status
        self.issue_type = issue_type
        self.display = display

    @classmethod
    def from_code(cls, code: str) -> "SpineError | None":
        return _BY_CODE.get(code)


_BY_CODE = {error.code: error for error in SpineError}

# A stale If-Match is a 409 with FHIR_CONSTRAINT_VIOLATION (not that code's usual 422).
VERSION_CONFLICT_STATUS = 409


class GPConnectError(Exception):
    """A failure to answer with an OperationOutcome (raised by providers, the sandbox and
    our own API; parsers raise it for resources that break the profile)."""

    def __init__(
        self, error: SpineError, diagnostics: str = "", *, http_status: int | None = None
    ) -> None:
        super().__init__(f"{error.code}: {diagnostics}" if diagnostics else error.code)
        self.error = error
        self.diagnostics = diagnostics
        self.http_status = http_status or error.http_status

    def to_operation_outcome(self) -> dict[str, Any]:
        return operation_outcome(self.error, self.diagnostics)


def operation_outcome(error: SpineError, diagnostics: str = "") -> dict[str, Any]:
    """A GPConnect-OperationOutcome-1 with one error issue."""
    issue: dict[str, Any] = {
        "severity": "error",
        "code": error.issue_type,
        "details": {
            "coding": [
                {"system": codes.SYSTEM_SPINE_ERROR, "code": error.code, "display": error.display}
            ]
        },
    }
    if diagnostics:
        issue["diagnostics"] = diagnostics
    return {
        "resourceType": "OperationOutcome",
        "meta": {"profile": [codes.PROFILE_OPERATION_OUTCOME]},
        "issue": [issue],
    }


def transient_outcome(diagnostics: str) -> dict[str, Any]:
    """An OperationOutcome without a Spine code, as the Spine Security Proxy sends for 502,
    503 and 504 (issue type `transient`)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "transient", "diagnostics": diagnostics}],
    }


@dataclass(frozen=True)
class Outcome:
    """What a received OperationOutcome said: its Spine code (or "") and diagnostics."""

    code: str
    diagnostics: str
    issue_type: str

    @property
    def error(self) -> SpineError | None:
        return SpineError.from_code(self.code)


def parse_operation_outcome(body: Any) -> Outcome | None:
    """The first issue of an OperationOutcome, or None if `body` is not one."""
    if not isinstance(body, dict) or body.get("resourceType") != "OperationOutcome":
        return None
    issues = body.get("issue")
    if not isinstance(issues, list) or not issues or not isinstance(issues[0], dict):
        return Outcome(code="", diagnostics="", issue_type="")
    issue = issues[0]
    code = ""
    details = issue.get("details")
    if isinstance(details, dict):
        for coding in details.get("coding") or []:
            if isinstance(coding, dict) and isinstance(coding.get("code"), str):
                code = coding["code"]
                break
    diagnostics = issue.get("diagnostics")
    issue_type = issue.get("code")
    return Outcome(
        code=code,
        diagnostics=diagnostics if isinstance(diagnostics, str) else "",
        issue_type=issue_type if isinstance(issue_type, str) else "",
    )
