"""One GP Connect provider, whatever it serves: which interaction a request is, the checks
every request passes, the rules every booking, amendment and cancellation obeys, and the
answers, each built once.

A host (the sandbox's WSGI app, the hub's Django facade) turns its own request into a
`ProviderRequest`, gives a `Backend` (where the slots, patients and appointments are, and
who may ask), and writes out the `ProviderResponse`. The order is the specification's:

1. the route (405 for a wrong method, 501 for a request we have no interaction for);
2. the Spine headers: Ssp-TraceID present, Ssp-InteractionID the route's (400);
3. the caller, by the backend: its JWT, and whatever else it checks (400 or 403);
4. the parameters, and the whole resource against its profile (400, 422);
5. the backend's state: references, version, slots (404, 409, 422).
"""

import json
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from gpconnect.errors import GPConnectError, SpineError, operation_outcome
from gpconnect.provider import profile, rules
from gpconnect.provider.capability import Software, capability_statement
from gpconnect.resources.appointment import Appointment
from gpconnect.resources.bundle import searchset
from gpconnect.resources.location import Location
from gpconnect.resources.organization import Organization
from gpconnect.resources.patient import Patient, parse_registration
from gpconnect.resources.practitioner import Practitioner
from gpconnect.resources.schedule import Schedule
from gpconnect.resources.slot import Slot
from gpconnect.rest import (
    FHIR_JSON_UTF8,
    DateWindow,
    Interaction,
    SlotSearch,
    etag,
    parse_appointment_search,
    parse_patient_search,
    parse_slot_search,
    version_from_etag,
)
from gpconnect.times import london_date


@dataclass(frozen=True)
class ProviderRequest:
    """A request under a practice's (or hub's) service root."""

    method: str
    path: str  # under the service root: "/Slot", "/Appointment/12", "/metadata"
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]  # names in lower case
    body: bytes
    service_root: str  # the absolute URL of the service root, for Location headers

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError as exc:
            raise GPConnectError(SpineError.BAD_REQUEST, "The body is not JSON.") from exc


@dataclass
class ProviderResponse:
    status: int
    resource: Mapping[str, Any] | None  # None: no body (Prefer: return=minimal)
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def body(self) -> bytes:
        return json.dumps(self.resource).encode() if self.resource is not None else b""

    def all_headers(self) -> list[tuple[str, str]]:
        """The response's headers, with those every GP Connect answer carries."""
        written = [("Cache-Control", "no-store"), *self.headers]
        if self.resource is not None:
            written.insert(0, ("Content-Type", FHIR_JSON_UTF8))
        return written


def error_response(error: GPConnectError) -> ProviderResponse:
    return ProviderResponse(error.http_status, error.to_operation_outcome())


def internal_error_response(diagnostics: str) -> ProviderResponse:
    return ProviderResponse(500, operation_outcome(SpineError.INTERNAL_SERVER_ERROR, diagnostics))


@dataclass(frozen=True)
class Requester:
    """Who asked, as the audit JWT said (and, for the hub, the consumer system it came
    through)."""

    organisation_ods: str
    organisation_name: str
    practitioner_id: str
    practitioner_name: str
    trace_id: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "organisation_ods": self.organisation_ods,
            "organisation_name": self.organisation_name,
            "practitioner_id": self.practitioner_id,
            "practitioner_name": self.practitioner_name,
        }


@dataclass
class FreeSlots:
    """Free slots and the resources a searchset bundle includes with them."""

    slots: list[Slot]
    schedules: dict[str, Schedule] = field(default_factory=dict)
    practitioners: dict[str, Practitioner] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)


Change = Callable[[Appointment], Appointment]


class Backend(Protocol):
    """Where a provider's slots, patients and appointments are. Each method raises
    GPConnectError for what it refuses; the core has checked the request and the resource
    against the profile before calling it."""

    def authenticate(
        self, request: ProviderRequest, interaction: Interaction, *, now: datetime
    ) -> Requester: ...

    def free_slots(
        self, search: SlotSearch, *, requester: Requester, now: datetime
    ) -> FreeSlots: ...

    def find_patient(
        self, nhs_number: str, *, requester: Requester, now: datetime
    ) -> Patient | None: ...

    def book(self, appointment: Appointment, *, requester: Requester, now: datetime) -> Appointment:
        """Book into the appointment's slots; check them with `rules.check_slots_fit`."""

    def read(self, appointment_id: str, *, requester: Requester, now: datetime) -> Appointment: ...

    def retrieve(
        self, patient_id: str, window: DateWindow, *, requester: Requester, now: datetime
    ) -> list[Appointment]: ...

    def update(
        self,
        appointment_id: str,
        *,
        version: str,
        change: Change,
        interaction: Interaction,
        requester: Requester,
        now: datetime,
    ) -> Appointment:
        """Lock the appointment, refuse a stale `version` (409), make `change` of it (which
        applies GP Connect's rules) and store the result as the next version."""


class PatientRecords(Protocol):
    """What a provider that also reads and registers patients adds (the sandbox)."""

    def read_patient(self, patient_id: str, *, requester: Requester) -> Patient | None: ...

    def register_patient(self, registration: Patient, *, requester: Requester) -> Patient: ...


_ID = r"(?P<id>[A-Za-z0-9\-.]{1,64})"
_ROUTES: tuple[tuple[str, re.Pattern[str], tuple[Interaction, ...]], ...] = (
    ("GET", re.compile(r"^/metadata$"), (Interaction.READ_METADATA,)),
    ("GET", re.compile(r"^/Slot$"), (Interaction.SEARCH_FREE_SLOTS,)),
    ("POST", re.compile(r"^/Appointment$"), (Interaction.BOOK_APPOINTMENT,)),
    ("GET", re.compile(rf"^/Appointment/{_ID}$"), (Interaction.READ_APPOINTMENT,)),
    (
        "PUT",
        re.compile(rf"^/Appointment/{_ID}$"),
        (Interaction.AMEND_APPOINTMENT, Interaction.CANCEL_APPOINTMENT),
    ),
    ("GET", re.compile(rf"^/Patient/{_ID}/Appointment$"), (Interaction.RETRIEVE_APPOINTMENTS,)),
    ("GET", re.compile(r"^/Patient$"), (Interaction.FIND_PATIENT,)),
    ("POST", re.compile(r"^/Patient/\$gpc\.registerpatient$"), (Interaction.REGISTER_PATIENT,)),
    ("GET", re.compile(rf"^/Patient/{_ID}$"), (Interaction.READ_PATIENT,)),
)
APPOINTMENT_INTERACTIONS = frozenset(
    {
        Interaction.READ_METADATA,
        Interaction.SEARCH_FREE_SLOTS,
        Interaction.BOOK_APPOINTMENT,
        Interaction.READ_APPOINTMENT,
        Interaction.AMEND_APPOINTMENT,
        Interaction.CANCEL_APPOINTMENT,
        Interaction.RETRIEVE_APPOINTMENTS,
        Interaction.FIND_PATIENT,
    }
)


class Provider:
    """GP Connect Appointment Management over a backend."""

    def __init__(
        self,
        backend: Backend,
        *,
        software: Software,
        description: str,
        interactions: Collection[Interaction] = APPOINTMENT_INTERACTIONS,
        patient_records: PatientRecords | None = None,
    ) -> None:
        self.backend = backend
        self.software = software
        self.description = description
        self.interactions = frozenset(interactions)
        self.patient_records = patient_records

    def resolve(self, request: ProviderRequest) -> tuple[Interaction, dict[str, str]]:
        """The interaction a request is, and the values in its path; 405 or 501 for a
        request this provider has no interaction for."""
        allowed = []
        for method, pattern, interactions in _ROUTES:
            match = pattern.match(request.path)
            if not match or not set(interactions) & self.interactions:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            if len(interactions) == 1:
                return interactions[0], match.groupdict()
            named = Interaction.from_id(request.header("ssp-interactionid"))
            return (named if named in interactions else interactions[0]), match.groupdict()
        if allowed:
            raise GPConnectError(
                SpineError.BAD_REQUEST,
                f"{request.method} is not allowed here: use {', '.join(allowed)}.",
                http_status=405,
            )
        raise GPConnectError(SpineError.NOT_IMPLEMENTED, f"There is no {request.path} here.")

    def check_headers(self, request: ProviderRequest, interaction: Interaction) -> None:
        """The Spine headers every request carries (400 BAD_REQUEST)."""
        if not request.header("ssp-traceid").strip():
            raise GPConnectError(SpineError.BAD_REQUEST, "The Ssp-TraceID header is missing.")
        if request.header("ssp-interactionid") != interaction.interaction_id:
            raise GPConnectError(
                SpineError.BAD_REQUEST,
                f"Ssp-InteractionID must be {interaction.interaction_id} for this request.",
            )

    def answer(self, request: ProviderRequest, *, now: datetime) -> ProviderResponse:
        """The whole of one request: resolve, check, carry out; errors as OperationOutcome."""
        try:
            interaction, params = self.resolve(request)
            return self.carry_out(request, interaction, params, now=now)
        except GPConnectError as error:
            return error_response(error)

    def carry_out(
        self,
        request: ProviderRequest,
        interaction: Interaction,
        params: Mapping[str, str],
        *,
        now: datetime,
        requester: Requester | None = None,
    ) -> ProviderResponse:
        """Check the headers and the caller (unless `requester` is already known), then do
        what was asked. Raises GPConnectError."""
        if requester is None:
            self.check_headers(request, interaction)
            requester = self.backend.authenticate(request, interaction, now=now)
        call = _Call(self, request, dict(params), requester, now)
        return _HANDLERS[interaction](call)


@dataclass(frozen=True)
class _Call:
    provider: Provider
    request: ProviderRequest
    params: dict[str, str]
    requester: Requester
    now: datetime

    @property
    def backend(self) -> Backend:
        return self.provider.backend

    def appointment_body(self) -> Appointment:
        body = self.request.json()
        profile.check_appointment(body)
        return Appointment.from_fhir(body)

    def wants_minimal(self) -> bool:
        return "return=minimal" in self.request.header("prefer").replace(" ", "").lower()


def _metadata(call: _Call) -> ProviderResponse:
    provider = call.provider
    statement = capability_statement(
        provider.software, provider.interactions, description=provider.description
    )
    return ProviderResponse(200, statement)


def _search_free_slots(call: _Call) -> ProviderResponse:
    search = parse_slot_search(call.request.query)
    found = call.backend.free_slots(search, requester=call.requester, now=call.now)
    slots = [s for s in found.slots if s.start >= search.earliest and s.end <= search.latest]
    schedule_ids = {slot.schedule_id for slot in slots}
    schedules = [s for s in found.schedules.values() if s.id in schedule_ids]
    resources: list[dict[str, Any]] = [slot.to_fhir(version="1") for slot in slots]
    resources += [schedule.to_fhir(version="1") for schedule in schedules]
    if search.include_practitioners:
        wanted = {schedule.practitioner_id for schedule in schedules}
        resources += [
            p.to_fhir(version="1") for p in found.practitioners.values() if p.id in wanted
        ]
    locations = [
        location
        for location in found.locations.values()
        if location.id in {schedule.location_id for schedule in schedules}
    ]
    if search.include_locations:
        resources += [location.to_fhir(version="1") for location in locations]
    if search.include_organizations and slots:
        wanted = {location.managing_organization_id for location in locations}
        resources += [
            organization.to_fhir(version="1")
            for key, organization in found.organizations.items()
            if key in wanted or not wanted
        ]
    return ProviderResponse(200, searchset(resources))


def _book_appointment(call: _Call) -> ProviderResponse:
    body = call.request.json()
    if isinstance(body, dict) and body.get("id"):
        raise GPConnectError(SpineError.INVALID_RESOURCE, "A new appointment has no id yet.")
    appointment = call.appointment_body()
    rules.check_new(appointment)
    booked = call.backend.book(appointment, requester=call.requester, now=call.now)
    location = f"{call.request.service_root}/Appointment/{booked.id}/_history/{booked.version}"
    return _appointment_answer(call, 201, booked, ("Location", location))


def _read_appointment(call: _Call) -> ProviderResponse:
    appointment = call.backend.read(call.params["id"], requester=call.requester, now=call.now)
    return _appointment_answer(call, 200, appointment, minimal_allowed=False)


def _update(call: _Call, interaction: Interaction) -> ProviderResponse:
    if_match = call.request.header("if-match").strip()
    if not if_match:
        raise GPConnectError(
            SpineError.BAD_REQUEST, "Send If-Match with the ETag of the appointment you read."
        )
    changed = call.appointment_body()
    if changed.id != call.params["id"]:
        raise GPConnectError(SpineError.BAD_REQUEST, "The appointment's id must match the URL's.")
    updated = call.backend.update(
        call.params["id"],
        version=version_from_etag(if_match),
        change=lambda current: rules.apply_change(
            current, changed, interaction=interaction, now=call.now
        ),
        interaction=interaction,
        requester=call.requester,
        now=call.now,
    )
    return _appointment_answer(call, 200, updated)


def _amend_appointment(call: _Call) -> ProviderResponse:
    return _update(call, Interaction.AMEND_APPOINTMENT)


def _cancel_appointment(call: _Call) -> ProviderResponse:
    return _update(call, Interaction.CANCEL_APPOINTMENT)


def _appointment_answer(
    call: _Call,
    status: int,
    appointment: Appointment,
    *headers: tuple[str, str],
    minimal_allowed: bool = True,
) -> ProviderResponse:
    """An appointment with its ETag; with no body if the consumer asked for
    `Prefer: return=minimal` (creates and updates only)."""
    resource = None if minimal_allowed and call.wants_minimal() else appointment.to_fhir()
    return ProviderResponse(status, resource, [("ETag", etag(appointment.version)), *headers])


def _retrieve_appointments(call: _Call) -> ProviderResponse:
    window = parse_appointment_search(call.request.query, today=london_date(call.now))
    appointments = call.backend.retrieve(
        call.params["id"], window, requester=call.requester, now=call.now
    )
    return ProviderResponse(200, searchset(a.to_fhir() for a in appointments))


def _find_patient(call: _Call) -> ProviderResponse:
    nhs_number = parse_patient_search(call.request.query)
    patient = call.backend.find_patient(nhs_number, requester=call.requester, now=call.now)
    return ProviderResponse(200, searchset([patient.to_fhir(version="1")] if patient else []))


def _records(call: _Call) -> PatientRecords:
    if call.provider.patient_records is None:
        raise GPConnectError(
            SpineError.NOT_IMPLEMENTED, "Patients are not read or registered here."
        )
    return call.provider.patient_records


def _read_patient(call: _Call) -> ProviderResponse:
    patient = _records(call).read_patient(call.params["id"], requester=call.requester)
    if patient is None:
        raise GPConnectError(SpineError.PATIENT_NOT_FOUND, f"No Patient/{call.params['id']}.")
    return ProviderResponse(200, patient.to_fhir(version="1"), [("ETag", etag("1"))])


def _register_patient(call: _Call) -> ProviderResponse:
    registration = parse_registration(call.request.json())
    patient = _records(call).register_patient(registration, requester=call.requester)
    return ProviderResponse(200, searchset([patient.to_fhir(version="1")]))


_HANDLERS: dict[Interaction, Callable[[_Call], ProviderResponse]] = {
    Interaction.READ_METADATA: _metadata,
    Interaction.SEARCH_FREE_SLOTS: _search_free_slots,
    Interaction.BOOK_APPOINTMENT: _book_appointment,
    Interaction.READ_APPOINTMENT: _read_appointment,
    Interaction.AMEND_APPOINTMENT: _amend_appointment,
    Interaction.CANCEL_APPOINTMENT: _cancel_appointment,
    Interaction.RETRIEVE_APPOINTMENTS: _retrieve_appointments,
    Interaction.FIND_PATIENT: _find_patient,
    Interaction.READ_PATIENT: _read_patient,
    Interaction.REGISTER_PATIENT: _register_patient,
}
