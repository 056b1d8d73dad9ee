"""GP Connect Appointment Management over HTTP: the real `ClinicalSystem` adapter.

One `GPConnectClient` talks to any number of practices. Where a practice lives: either one
`base_url` (a practice's FHIR service root, `https://host/<ODS>/STU3/1/...`, used as it is;
or a host serving many practices, such as the sandbox, to which `/<ODS>/STU3/1/gpconnect`
is added) or `endpoints`, a mapping or function from ODS code to URL or `PracticeEndpoint`.

Every call builds a fresh audit JWT whose organisation and practitioner are the `Requester`'s
(the signed-in user's own, never the hub's host), sends the Ssp-* headers, and has a
connect timeout and a read timeout. Failures map onto `base.py`'s exceptions:

- could not connect (refused, unreachable, connect timeout) -> `Unavailable`: not sent;
- sent, then a read timeout or a dropped connection -> `OutcomeUnknown` for a write (the
  appointment may have been booked, cancelled or amended: reconcile first), `Unavailable`
  for a read (nothing was changed);
- 5xx, 429 -> `Unavailable` (but 504 on a write -> `OutcomeUnknown`: a gateway timed out
  waiting for the practice system, which may have acted);
- 409 on book -> `SlotConflict` (DUPLICATE_REJECTED: the practice filled the slot);
- 404 -> `NotFound`; other 4xx (400, 403, 422 ...) -> `Rejected`;
- 409/412 on amend or cancel (a stale If-Match) -> read again and retry; still stale after
  a few tries -> `VersionConflict`.

The GP Connect steps behind each Protocol call:

- search: `GET /Slot` in windows of at most 14 days (longer ranges are split);
- book: find the patient by NHS number (`GET /Patient?identifier=...`), registering them
  temporarily if the practice does not know them (`POST /Patient/$gpc.registerpatient`);
  find the free slot (`GET /Slot` for its day) for its schedule's location and practitioner;
  `POST /Appointment`. Our booking reference travels as an `Appointment.identifier` in
  `gpconnect.codes.SYSTEM_BOOKING_REFERENCE` (the GPConnect-Appointment-1 profile allows
  identifiers with a system and value), so after an `OutcomeUnknown` the caller can
  `retrieve_patient_appointments` and recognise its own by `reference` (and, where a
  practice system does not keep consumer identifiers, by `slot_external_ids`);
- retrieve: `GET /Patient/<id>/Appointment?start=ge<date>&start=le<date>`, never before
  today (GP Connect refuses days in the past);
- read: `GET /Appointment/<id>` and `GET /Patient/<id>` for the NHS number;
- amend and cancel: read, change only what may change in the resource as read, `PUT` with
  `If-Match: W/"<version>"`. Cancelling a cancelled appointment, or amending to what it
  already says, returns it without a write, so retrying after `OutcomeUnknown` is safe.
"""

import http.client
import json
import ssl
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from gpconnect import codes
from gpconnect.errors import GPConnectError, parse_operation_outcome
from gpconnect.jwt import (
    RequestingDevice,
    RequestingOrganisation,
    RequestingPractitioner,
    build_claims,
    encode_unsigned,
    organisation_record,
    patient_record,
)
from gpconnect.resources import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    Appointment,
    Location,
    Organization,
    Patient,
    Practitioner,
    Schedule,
    Slot,
    registration_parameters,
    resources_in,
)
from gpconnect.rest import (
    FHIR_JSON,
    FHIR_JSON_UTF8,
    SSP_FROM,
    SSP_INTERACTION_ID,
    SSP_TO,
    SSP_TRACE_ID,
    DateWindow,
    Interaction,
    appointment_search_params,
    etag,
    patient_search_params,
    service_root,
    slot_search_params,
    split_window,
    version_from_etag,
)
from gpconnect.times import london_date

from .base import (
    AppointmentRequest,
    ClinicalSystemError,
    NotFound,
    OutcomeUnknown,
    PracticeAppointment,
    PracticeSlot,
    Rejected,
    Requester,
    SlotConflict,
    Unavailable,
    VersionConflict,
)

DEFAULT_DESCRIPTION = "Hub Diary booking"  # GP Connect requires a description
DEFAULT_CANCELLATION_REASON = "Cancelled in Hub Diary"  # ... and a cancellation reason


@dataclass(frozen=True)
class PracticeEndpoint:
    """Where one practice's GP Connect API is: its FHIR service root and Spine ASID."""

    base_url: str
    asid: str = ""


@dataclass(frozen=True)
class ConsumerSystem:
    """Hub Diary as a GP Connect consumer: the JWT's `iss` and `requesting_device`, and the
    Ssp-From ASID."""

    url: str = "https://hub-diary.nhs.uk"
    asid: str = ""
    device_id: str = "hub-diary"
    model: str = "Hub Diary"
    version: str = "1"

    def device(self) -> RequestingDevice:
        return RequestingDevice(
            id=self.device_id,
            identifier_system=codes.SYSTEM_HUB_DIARY_DEVICE,
            identifier_value=self.device_id,
            model=self.model,
            version=self.version,
            url=self.url,
        )


EndpointValue = str | PracticeEndpoint
Endpoints = Mapping[str, EndpointValue] | Callable[[str], EndpointValue]


@dataclass(frozen=True)
class _Answer:
    status: int
    etag: str
    body: Any


@dataclass(frozen=True)
class _FreeSlot:
    slot: Slot
    schedule: Schedule


def _now() -> datetime:
    return datetime.now(UTC)


class GPConnectClient:
    """The `ClinicalSystem` for practices reached through GP Connect."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        endpoints: Endpoints | None = None,
        consumer: ConsumerSystem | None = None,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        ssl_context: ssl.SSLContext | None = None,
        stale_version_attempts: int = 3,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        if (base_url is None) == (endpoints is None):
            raise ValueError("Give either base_url or endpoints.")
        self._endpoints: Endpoints = endpoints if endpoints is not None else (lambda _: base_url)
        self.consumer = consumer or ConsumerSystem()
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.ssl_context = ssl_context
        self.stale_version_attempts = stale_version_attempts
        self._clock = clock

    # The Protocol ---------------------------------------------------------------------------

    def search_free_slots(
        self, *, requester: Requester, practice_ods: str, start: date, end: date
    ) -> list[PracticeSlot]:
        """Free slots on the days from `start` to `end` (both included), 14 days a call."""
        found: dict[str, PracticeSlot] = {}
        for window in split_window(start, end):
            bundle = self._search_bundle(requester, practice_ods, window)
            for slot in _practice_slots(bundle):
                found.setdefault(slot.external_id, slot)
        return sorted(found.values(), key=lambda slot: (slot.start, slot.external_id))

    def book(self, *, requester: Requester, request: AppointmentRequest) -> PracticeAppointment:
        description = request.description or DEFAULT_DESCRIPTION
        if len(description) > DESCRIPTION_MAX or len(request.comment) > COMMENT_MAX:
            raise Rejected(
                f"GP Connect takes descriptions of up to {DESCRIPTION_MAX} characters and "
                f"comments of up to {COMMENT_MAX}."
            )
        ods = request.practice_ods
        patient_id = self._patient_id(requester, ods, request=request)
        free = self._free_slot(requester, ods, request)
        appointment = Appointment(
            status="booked",
            start=free.slot.start,
            end=free.slot.end,
            slot_ids=(free.slot.id,),
            patient_id=patient_id,
            location_id=free.schedule.location_id,
            practitioner_id=free.schedule.practitioner_id,
            created=self._clock(),
            booking_organization=Organization(
                ods_code=request.booking_organisation_ods,
                name=request.booking_organisation_name,
                phone=request.booking_organisation_phone,
            ),
            description=description,
            comment=request.comment,
            identifiers=(
                ((codes.SYSTEM_BOOKING_REFERENCE, request.reference),) if request.reference else ()
            ),
        )
        answer = self._exchange(
            requester,
            ods,
            Interaction.BOOK_APPOINTMENT,
            "POST",
            "/Appointment",
            body=appointment.to_fhir(),
            record=patient_record(request.patient_nhs_number),
        )
        if answer.status == 409:
            raise SlotConflict(self._describe(answer, f"Booking slot {free.slot.id}"))
        self._raise_unless_ok(answer, writes=True, what="Booking")
        return _practice_appointment(
            self._appointment(answer, writes=True), request.patient_nhs_number
        )

    def retrieve_patient_appointments(
        self,
        *,
        requester: Requester,
        practice_ods: str,
        nhs_number: str,
        start: date,
        end: date,
    ) -> list[PracticeAppointment]:
        """The patient's appointments (cancelled ones too) starting on the days from
        `start` to `end`; days before today are left out, as GP Connect requires."""
        start = max(start, london_date(self._clock()))
        if end < start:
            return []
        patient = self._find_patient(requester, practice_ods, nhs_number)
        if patient is None:
            return []
        answer = self._exchange(
            requester,
            practice_ods,
            Interaction.RETRIEVE_APPOINTMENTS,
            "GET",
            f"/Patient/{quote(patient.id)}/Appointment",
            query=appointment_search_params(DateWindow(start, end)),
            record=patient_record(nhs_number),
        )
        self._raise_unless_ok(answer, writes=False, what="Retrieving appointments")
        try:
            appointments = [
                Appointment.from_fhir(resource)
                for resource in resources_in(answer.body, "Appointment")
            ]
        except GPConnectError as exc:
            raise Unavailable(f"The practice system sent a bad appointment: {exc}") from exc
        return [_practice_appointment(a, nhs_number) for a in appointments]

    def read(
        self, *, requester: Requester, practice_ods: str, external_id: str
    ) -> PracticeAppointment:
        appointment, _ = self._read(requester, practice_ods, external_id)
        nhs_number = self._nhs_number(requester, practice_ods, appointment.patient_id)
        return _practice_appointment(appointment, nhs_number)

    def amend(
        self,
        *,
        requester: Requester,
        practice_ods: str,
        external_id: str,
        description: str,
        comment: str,
    ) -> PracticeAppointment:
        """Read, change the description and comment, PUT with If-Match."""
        description = description or DEFAULT_DESCRIPTION
        if len(description) > DESCRIPTION_MAX or len(comment) > COMMENT_MAX:
            raise Rejected(
                f"GP Connect takes descriptions of up to {DESCRIPTION_MAX} characters and "
                f"comments of up to {COMMENT_MAX}."
            )

        def change(current: Appointment, resource: dict[str, Any]) -> dict[str, Any] | None:
            if (current.description, current.comment) == (description, comment):
                return None
            resource["description"] = description
            if comment:
                resource["comment"] = comment
            else:
                resource.pop("comment", None)
            return resource

        return self._read_change_put(
            requester, practice_ods, external_id, Interaction.AMEND_APPOINTMENT, change
        )

    def cancel(
        self, *, requester: Requester, practice_ods: str, external_id: str, reason: str
    ) -> PracticeAppointment:
        """Read, set the status to cancelled with the reason, PUT with If-Match."""
        reason = reason.strip() or DEFAULT_CANCELLATION_REASON

        def change(current: Appointment, resource: dict[str, Any]) -> dict[str, Any] | None:
            if current.status == "cancelled":
                return None
            resource["status"] = "cancelled"
            resource["extension"] = [
                item
                for item in resource.get("extension") or []
                if item.get("url") != codes.EXT_CANCELLATION_REASON
            ] + [{"url": codes.EXT_CANCELLATION_REASON, "valueString": reason}]
            return resource

        return self._read_change_put(
            requester, practice_ods, external_id, Interaction.CANCEL_APPOINTMENT, change
        )

    # GP Connect steps -------------------------------------------------------------------------

    def _search_bundle(self, requester: Requester, ods: str, window: DateWindow) -> Any:
        answer = self._exchange(
            requester,
            ods,
            Interaction.SEARCH_FREE_SLOTS,
            "GET",
            "/Slot",
            query=slot_search_params(window, booking_ods=requester.organisation_ods),
            record=organisation_record(ods),
        )
        self._raise_unless_ok(answer, writes=False, what="Searching for free slots")
        return answer.body

    def _free_slot(self, requester: Requester, ods: str, request: AppointmentRequest) -> _FreeSlot:
        """The slot to book, as free in the practice system now, with its schedule."""
        window = DateWindow(london_date(request.start), london_date(request.end))
        bundle = self._search_bundle(requester, ods, window)
        try:
            schedules = {
                schedule.id: schedule
                for schedule in map(Schedule.from_fhir, resources_in(bundle, "Schedule"))
            }
            for slot in map(Slot.from_fhir, resources_in(bundle, "Slot")):
                if slot.id == request.slot_external_id and slot.schedule_id in schedules:
                    return _FreeSlot(slot, schedules[slot.schedule_id])
        except GPConnectError as exc:
            raise Unavailable(f"The practice system sent a bad slot: {exc}") from exc
        raise SlotConflict(f"Slot {request.slot_external_id} is no longer free in {ods}'s system.")

    def _find_patient(self, requester: Requester, ods: str, nhs_number: str) -> Patient | None:
        answer = self._exchange(
            requester,
            ods,
            Interaction.FIND_PATIENT,
            "GET",
            "/Patient",
            query=patient_search_params(nhs_number),
            record=patient_record(nhs_number),
        )
        self._raise_unless_ok(answer, writes=False, what="Finding the patient")
        try:
            patients = [Patient.from_fhir(r) for r in resources_in(answer.body, "Patient")]
        except GPConnectError as exc:
            raise Unavailable(f"The practice system sent a bad patient: {exc}") from exc
        return next((p for p in patients if p.nhs_number == nhs_number and p.id), None)

    def _patient_id(self, requester: Requester, ods: str, *, request: AppointmentRequest) -> str:
        """The patient's id in the practice system, registering them (temporarily) if
        the practice does not know them: extended access sees patients of other practices."""
        nhs_number = request.patient_nhs_number
        patient = self._find_patient(requester, ods, nhs_number)
        if patient is not None:
            return patient.id
        registration = Patient(
            nhs_number=nhs_number,
            family=request.patient_family_name,
            given=(request.patient_given_name,) if request.patient_given_name else (),
            birth_date=request.patient_birth_date,
        )
        answer = self._exchange(
            requester,
            ods,
            Interaction.REGISTER_PATIENT,
            "POST",
            "/Patient/$gpc.registerpatient",
            body=registration_parameters(registration),
            record=patient_record(nhs_number),
        )
        if answer.status != 409:  # 409: registered meanwhile; find them again
            # Registering is not the booking: a lost answer here is retried, not reconciled.
            self._raise_unless_ok(answer, writes=False, what="Registering the patient")
            try:
                registered = [Patient.from_fhir(r) for r in resources_in(answer.body, "Patient")]
            except GPConnectError as exc:
                raise Unavailable(f"The practice system sent a bad patient: {exc}") from exc
            if registered and registered[0].id:
                return registered[0].id
        patient = self._find_patient(requester, ods, nhs_number)
        if patient is None:
            raise Unavailable(f"{ods}'s system registered the patient but cannot find them.")
        return patient.id

    def _nhs_number(self, requester: Requester, ods: str, patient_id: str) -> str:
        answer = self._exchange(
            requester, ods, Interaction.READ_PATIENT, "GET", f"/Patient/{quote(patient_id)}"
        )
        self._raise_unless_ok(answer, writes=False, what="Reading the patient")
        try:
            return Patient.from_fhir(answer.body).nhs_number
        except GPConnectError as exc:
            raise Unavailable(f"The practice system sent a bad patient: {exc}") from exc

    def _read(
        self, requester: Requester, ods: str, external_id: str
    ) -> tuple[Appointment, dict[str, Any]]:
        answer = self._exchange(
            requester,
            ods,
            Interaction.READ_APPOINTMENT,
            "GET",
            f"/Appointment/{quote(external_id)}",
        )
        self._raise_unless_ok(answer, writes=False, what=f"Reading appointment {external_id}")
        return self._appointment(answer, writes=False), answer.body

    def _read_change_put(
        self,
        requester: Requester,
        ods: str,
        external_id: str,
        interaction: Interaction,
        change: Callable[[Appointment, dict[str, Any]], dict[str, Any] | None],
    ) -> PracticeAppointment:
        for _ in range(self.stale_version_attempts):
            current, resource = self._read(requester, ods, external_id)
            nhs_number = self._nhs_number(requester, ods, current.patient_id)
            changed = change(current, json.loads(json.dumps(resource)))
            if changed is None:
                return _practice_appointment(current, nhs_number)
            answer = self._exchange(
                requester,
                ods,
                interaction,
                "PUT",
                f"/Appointment/{quote(external_id)}",
                body=changed,
                if_match=current.version,
                record=patient_record(nhs_number),
            )
            if answer.status in (409, 412):
                continue  # changed since we read it: read again
            self._raise_unless_ok(answer, writes=True, what=f"Updating appointment {external_id}")
            return _practice_appointment(self._appointment(answer, writes=True), nhs_number)
        raise VersionConflict(
            f"Appointment {external_id} in {ods}'s system changed under every one of "
            f"{self.stale_version_attempts} attempts to update it."
        )

    # HTTP -------------------------------------------------------------------------------------

    def _endpoint(self, ods: str) -> PracticeEndpoint:
        try:
            value = self._endpoints(ods) if callable(self._endpoints) else self._endpoints[ods]
        except KeyError as exc:
            raise Rejected(f"No GP Connect endpoint is set for practice {ods}.") from exc
        endpoint = value if isinstance(value, PracticeEndpoint) else PracticeEndpoint(value)
        root = endpoint.base_url.rstrip("/")
        if "/STU3/" not in root + "/":
            root = service_root(root, ods)
        return PracticeEndpoint(base_url=root, asid=endpoint.asid)

    def _exchange(
        self,
        requester: Requester,
        ods: str,
        interaction: Interaction,
        method: str,
        path: str,
        *,
        query: Sequence[tuple[str, str]] = (),
        body: Mapping[str, Any] | None = None,
        if_match: str = "",
        record: Mapping[str, Any] | None = None,
    ) -> _Answer:
        """One request and its answer; connection failures become our exceptions."""
        endpoint = self._endpoint(ods)
        url = urlsplit(endpoint.base_url)
        target = url.path + path + (f"?{urlencode(list(query))}" if query else "")
        claims = build_claims(
            issuer=self.consumer.url,
            audience=endpoint.base_url,
            scope=interaction.scope,
            device=self.consumer.device(),
            organisation=RequestingOrganisation(
                ods_code=requester.organisation_ods, name=requester.organisation_name
            ),
            practitioner=RequestingPractitioner.from_display_name(
                id=requester.user_id, name=requester.user_name
            ),
            now=self._clock(),
            requested_record=record,
        )
        headers = {
            "Accept": FHIR_JSON,
            "Authorization": f"Bearer {encode_unsigned(claims)}",
            SSP_TRACE_ID: str(uuid.uuid4()),
            SSP_INTERACTION_ID: interaction.interaction_id,
        }
        if self.consumer.asid:
            headers[SSP_FROM] = self.consumer.asid
        if endpoint.asid:
            headers[SSP_TO] = endpoint.asid
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = FHIR_JSON_UTF8
        if if_match:
            headers["If-Match"] = etag(if_match)
        writes = method in {"POST", "PUT"} and interaction is not Interaction.REGISTER_PATIENT
        what = f"{interaction.name.lower().replace('_', ' ')} at {ods}"

        connection: http.client.HTTPConnection
        if url.scheme == "https":
            connection = http.client.HTTPSConnection(
                url.hostname or "", url.port, timeout=self.connect_timeout, context=self.ssl_context
            )
        else:
            connection = http.client.HTTPConnection(
                url.hostname or "", url.port, timeout=self.connect_timeout
            )
        try:
            try:
                connection.connect()
            except OSError as exc:  # refused, unreachable, unknown host, connect timeout
                raise Unavailable(f"Could not connect for {what}: {exc}") from exc
            assert connection.sock is not None
            connection.sock.settimeout(self.read_timeout)
            try:
                connection.request(method, target, body=payload, headers=headers)
                response = connection.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException) as exc:  # timeout, dropped, cut short
                message = f"No answer to {what} ({type(exc).__name__}: {exc})"
                if writes:
                    raise OutcomeUnknown(message + ": it may have been done.") from exc
                raise Unavailable(message) from exc
        finally:
            connection.close()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
            if 200 <= response.status < 300:
                message = f"The answer to {what} is not JSON."
                raise (OutcomeUnknown(message) if writes else Unavailable(message)) from None
        return _Answer(status=response.status, etag=response.getheader("ETag", ""), body=parsed)

    def _describe(self, answer: _Answer, what: str) -> str:
        outcome = parse_operation_outcome(answer.body)
        if outcome is None:
            return f"{what}: HTTP {answer.status}"
        detail = f" ({outcome.diagnostics})" if outcome.diagnostics else ""
        return f"{what}: HTTP {answer.status} {outcome.code or outcome.issue_type}{detail}"

    def _raise_unless_ok(self, answer: _Answer, *, writes: bool, what: str) -> None:
        if 200 <= answer.status < 300:
            return
        message = self._describe(answer, what)
        error: ClinicalSystemError
        if answer.status == 404:
            error = NotFound(message)
        elif answer.status == 504 and writes:
            error = OutcomeUnknown(message + ": it may have been done.")
        elif answer.status >= 500 or answer.status == 429:
            error = Unavailable(message)
        else:
            error = Rejected(message)
        raise error

    def _appointment(self, answer: _Answer, *, writes: bool) -> Appointment:
        try:
            appointment = Appointment.from_fhir(answer.body)
        except GPConnectError as exc:
            message = f"The practice system's appointment does not parse: {exc}"
            raise (OutcomeUnknown(message) if writes else Unavailable(message)) from exc
        if not appointment.version and answer.etag:
            appointment = appointment.changed(version=version_from_etag(answer.etag))
        if not appointment.id or not appointment.version:
            message = "The practice system's appointment has no id or version."
            raise OutcomeUnknown(message) if writes else Unavailable(message)
        return appointment


def _practice_appointment(appointment: Appointment, nhs_number: str) -> PracticeAppointment:
    return PracticeAppointment(
        external_id=appointment.id,
        version=appointment.version,
        status=appointment.status,
        start=appointment.start,
        end=appointment.end,
        patient_nhs_number=nhs_number,
        description=appointment.description,
        comment=appointment.comment,
        reference=appointment.identifier(codes.SYSTEM_BOOKING_REFERENCE),
        cancellation_reason=appointment.cancellation_reason,
        slot_external_ids=appointment.slot_ids,
    )


def _practice_slots(bundle: Any) -> list[PracticeSlot]:
    try:
        schedules = {s.id: s for s in map(Schedule.from_fhir, resources_in(bundle, "Schedule"))}
        practitioners = {
            p.id: p for p in map(Practitioner.from_fhir, resources_in(bundle, "Practitioner"))
        }
        locations = {
            loc.id: loc for loc in map(Location.from_fhir, resources_in(bundle, "Location"))
        }
        slots = [Slot.from_fhir(r) for r in resources_in(bundle, "Slot")]
    except GPConnectError as exc:
        raise Unavailable(f"The practice system sent a bad search result: {exc}") from exc
    found = []
    for slot in slots:
        schedule = schedules.get(slot.schedule_id)
        if slot.status != "free" or schedule is None:
            continue
        practitioner = practitioners.get(schedule.practitioner_id)
        location = locations.get(schedule.location_id)
        found.append(
            PracticeSlot(
                external_id=slot.id,
                start=slot.start,
                end=slot.end,
                practitioner_role=schedule.practitioner_role,
                delivery_channel=slot.delivery_channel,
                slot_type=slot.service_type,
                site_name=location.name if location else "",
                practitioner_name=practitioner.display_name if practitioner else "",
            )
        )
    return found
