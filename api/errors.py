"""One error shape for the whole API, with stable codes a client can branch on:

    {"error": {"code": "slot-taken", "message": "…", "details": {…}}}

`CATALOGUE` lists every code with its status and an example; the exception handler uses it
for messages and the schema uses it for documented examples, so the two cannot drift.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from api.permissions import TwoFactorRequired
from booking.errors import (
    BookingChanged,
    BookingError,
    IdempotencyKeyReused,
    InvalidBookingChange,
    SlotNotBookable,
    SlotTaken,
)
from core.errors import NotFound
from governance.access import PatientNotFound

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    message: str
    details: dict = field(default_factory=dict)


_ALTERNATIVE = {
    "id": "6f1c2a8e-3b9d-4c47-9a55-0d1e2f3a4b5c",
    "start": "2025-03-04T18:45:00Z",
    "end": "2025-03-04T19:00:00Z",
    "practice": {"ods_code": "B20002", "name": "Kirkgate Surgery"},
    "site": {"id": "0b7d6c5e-4f3a-4b2c-9d1e-8f7a6b5c4d3e", "name": "Main surgery"},
    "clinician": {"name": "Dr Alex Okafor"},
    "practitioner_role": "R0260",
    "delivery_channel": "In-person",
    "slot_type": "Routine appointment",
}

CATALOGUE: dict[str, ErrorCode] = {
    e.code: e
    for e in (
        ErrorCode(
            "invalid",
            400,
            "Some values in the request are not valid.",
            {"fields": {"nhs_number": ["Enter an NHS number with 10 digits, like 999 123 4567."]}},
        ),
        ErrorCode("malformed-request", 400, "The request body is not valid JSON."),
        ErrorCode(
            "acting-organisation-required",
            400,
            "You work for more than one organisation: say which one you are acting for in "
            "the X-Acting-Organisation header.",
            {"organisations": ["A10001", "U30003"]},
        ),
        ErrorCode(
            "not-authenticated",
            403,
            "Sign in, or send an API token in the Authorization header: Token <key>.",
        ),
        ErrorCode("authentication-failed", 403, "That API token is not valid."),
        ErrorCode(
            "two-factor-required",
            403,
            "Finish signing in: enter a code from your authenticator app (or set one up), "
            "then try again.",
            {"url": "/account/two-factor/verify/?next=%2Fapi%2Fv1%2Fslots%2F"},
        ),
        ErrorCode("forbidden", 403, "Your role does not book appointments."),
        ErrorCode("no-organisation", 403, "You do not work for any organisation in Hub Diary."),
        ErrorCode(
            "not-your-organisation",
            403,
            "You do not work for the organisation named in X-Acting-Organisation.",
            {"organisation": "B20002"},
        ),
        ErrorCode("not-found", 404, "Not found."),
        ErrorCode("slot-not-found", 404, "No slot found that you can book into."),
        ErrorCode("patient-not-found", 404, "No patient found."),
        ErrorCode("booking-not-found", 404, "No booking found."),
        ErrorCode("session-not-found", 404, "No session found."),
        ErrorCode("site-not-found", 404, "No site found."),
        ErrorCode("clinician-not-found", 404, "No clinician found."),
        ErrorCode("problem-not-found", 404, "No practice system problem found."),
        ErrorCode("method-not-allowed", 405, "This address does not accept that method."),
        ErrorCode("not-acceptable", 406, "This API answers in JSON only."),
        ErrorCode(
            SlotTaken.code,
            SlotTaken.http_status,
            "Someone has just booked this slot. Choose another.",
            {"alternatives": [_ALTERNATIVE]},
        ),
        ErrorCode(
            SlotNotBookable.code,
            SlotNotBookable.http_status,
            "This slot is not yet released to your organisation.",
            {"reason_code": "embargoed"},
        ),
        ErrorCode(
            BookingChanged.code,
            BookingChanged.http_status,
            "Someone else changed this booking a moment ago. Check it and try again.",
        ),
        ErrorCode("unsupported-media-type", 415, "Send the request body as application/json."),
        ErrorCode(
            InvalidBookingChange.code,
            InvalidBookingChange.http_status,
            "This booking is already cancelled.",
        ),
        ErrorCode(
            IdempotencyKeyReused.code,
            IdempotencyKeyReused.http_status,
            "This request key was already used for a different booking. Start a new booking.",
        ),
        ErrorCode("throttled", 429, "Too many requests: slow down.", {"retry_after_seconds": 12}),
        ErrorCode(
            "server-error",
            500,
            "Something went wrong on our side. Try again; if it keeps happening, quote the "
            "request id.",
            {"request_id": "4f9c2a7e1b8d3c6a5e0f4f9c2a7e1b8d"},
        ),
    )
}


class ApiError(exceptions.APIException):
    """An API refusal with a catalogued code. `details` must be JSON-serialisable."""

    def __init__(self, code: str, message: str | None = None, **details) -> None:
        entry = CATALOGUE[code]
        self.code = code
        self.status_code = entry.status
        self.message = message or entry.message
        self.details = details
        super().__init__(self.message)


def error_body(code: str, message: str, details: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


_DRF_CODES: tuple[tuple[type[exceptions.APIException], str], ...] = (
    (TwoFactorRequired, "two-factor-required"),
    (exceptions.NotAuthenticated, "not-authenticated"),
    (exceptions.AuthenticationFailed, "authentication-failed"),
    (exceptions.PermissionDenied, "forbidden"),
    (exceptions.NotFound, "not-found"),
    (exceptions.MethodNotAllowed, "method-not-allowed"),
    (exceptions.NotAcceptable, "not-acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported-media-type"),
    (exceptions.ParseError, "malformed-request"),
    (exceptions.Throttled, "throttled"),
)


def _flatten(detail) -> dict | list | str:
    """DRF's ErrorDetail tree as plain lists of messages per field."""
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every failure as `{"error": {code, message, details}}`; unexpected ones as a logged
    500 that still answers in JSON."""
    from api.serializers import SlotSerializer

    view = context.get("view")
    if isinstance(exc, PatientNotFound):
        exc = ApiError("patient-not-found")
    elif isinstance(exc, Http404 | NotFound) and not isinstance(exc, BookingError):
        exc = ApiError(getattr(view, "not_found", "not-found"))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = ApiError("forbidden", str(exc) or None)
    elif isinstance(exc, DjangoValidationError):  # a service's rule, as a form would show it
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )

    headers: dict[str, str] = {}
    if isinstance(exc, BookingError):
        details = dict(exc.details)
        if isinstance(exc, SlotTaken):
            details["alternatives"] = SlotSerializer(exc.alternatives, many=True).data
        set_rollback()
        return Response(error_body(exc.code, exc.message, details), status=exc.http_status)
    if isinstance(exc, ApiError):
        set_rollback()
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        set_rollback()
        return Response(
            error_body("invalid", CATALOGUE["invalid"].message, {"fields": _flatten(detail)}),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.APIException):
        code = next((code for kind, code in _DRF_CODES if isinstance(exc, kind)), "invalid")
        details = {}
        if isinstance(exc, TwoFactorRequired):
            details["url"] = exc.url
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            details["retry_after_seconds"] = int(exc.wait)
            headers["Retry-After"] = str(int(exc.wait))
        message = CATALOGUE[code].message
        if code in ("forbidden", "malformed-request") and exc.detail:
            message = str(exc.detail)  # DRF's CSRF and parse messages say what to fix
        set_rollback()
        return Response(error_body(code, message, details), status=exc.status_code, headers=headers)

    request = context.get("request")
    request_id = getattr(request, "request_id", "") if request is not None else ""
    logger.error("Unhandled API error (request %s)", request_id, exc_info=exc)
    if request is not None:
        got_request_exception.send(sender=None, request=request._request)
    set_rollback()
    entry = CATALOGUE["server-error"]
    return Response(error_body(entry.code, entry.message, {"request_id": request_id}), status=500)


# The schema --------------------------------------------------------------------------------


class _ErrorBodySerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=sorted(CATALOGUE), help_text="Stable: branch on it.")
    message = serializers.CharField(help_text="Plain English, for people; may change.")
    details = serializers.DictField(help_text="Depends on the code; see the examples.")


class ErrorSerializer(serializers.Serializer):
    error = _ErrorBodySerializer()


_COMMON = ("invalid", "not-authenticated", "two-factor-required", "forbidden", "no-organisation")


def error_responses(*codes: str) -> dict[int, OpenApiResponse]:
    """Documented error responses for an operation: these codes plus the ones every
    operation can answer with, grouped by status, each with an example."""
    by_status: dict[int, list[ErrorCode]] = {}
    wanted = [*codes, *_COMMON, "not-your-organisation", "acting-organisation-required"]
    for code in dict.fromkeys(wanted):
        entry = CATALOGUE[code]
        by_status.setdefault(entry.status, []).append(entry)
    return {
        status_code: OpenApiResponse(
            ErrorSerializer,
            description=", ".join(f"`{e.code}`" for e in entries),
            examples=[
                OpenApiExample(e.code, value=error_body(e.code, e.message, e.details))
                for e in entries
            ],
        )
        for status_code, entries in sorted(by_status.items())
    }
