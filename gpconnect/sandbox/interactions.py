"""The GP Connect interactions the sandbox answers, under `/<ODS>/STU3/1/gpconnect`:

    GET  /Slot?start=ge..&end=le..&status=free&_include=Slot:schedule...  search free slots
    POST /Appointment                                                     book
    GET  /Patient/<id>/Appointment?start=ge<date>&start=le<date>           retrieve
    GET  /Appointment/<id>                                                read
    PUT  /Appointment/<id>  (If-Match; Ssp-InteractionID says amend or cancel)
    GET  /Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|<n>        find a patient
    GET  /Patient/<id>                                                    read a patient
    POST /Patient/$gpc.registerpatient                                    register (temporary)

Which interaction a request is (`resolve`), and what each one does (`carry_out`) once the
app has checked its headers and JWT.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gpconnect.errors import GPConnectError, SpineError
from gpconnect.resources.appointment import Appointment
from gpconnect.resources.bundle import searchset
from gpconnect.resources.patient import parse_registration
from gpconnect.rest import (
    Interaction,
    etag,
    parse_appointment_search,
    parse_patient_search,
    parse_slot_search,
    version_from_etag,
)
from gpconnect.times import london_date

from .appointments import Requester
from .faults import Faults
from .rules import check_new
from .store import SandboxStore
from .wsgi import Request, Response, fhir

_ID = r"(?P<id>[A-Za-z0-9\-.]{1,64})"
_ROUTES: tuple[tuple[str, re.Pattern[str], tuple[Interaction, ...]], ...] = (
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


@dataclass(frozen=True)
class Call:
    """One GP Connect request to carry out: what was asked of which practice, by whom, when,
    and the state it acts on."""

    request: Request
    ods: str
    params: dict[str, str]  # from the path, such as the appointment's id
    requester: Requester
    now: datetime
    store: SandboxStore
    faults: Faults


def resolve(request: Request, rest: str) -> tuple[Interaction, dict[str, str]]:
    """The interaction a request to `rest` (the path under the service root) is, and the
    values in its path; 405 or 501 for a request the sandbox has no interaction for."""
    allowed = []
    for method, pattern, interactions in _ROUTES:
        match = pattern.match(rest)
        if not match:
            continue
        if method != request.method:
            allowed.append(method)
            continue
        if len(interactions) == 1:
            return interactions[0], match.groupdict()
        named = Interaction.from_id(request.headers.get("ssp-interactionid", ""))
        return (named if named in interactions else interactions[0]), match.groupdict()
    if allowed:
        raise GPConnectError(
            SpineError.BAD_REQUEST,
            f"{request.method} is not allowed here: use {', '.join(allowed)}.",
            http_status=405,
        )
    raise GPConnectError(SpineError.NOT_IMPLEMENTED, f"The sandbox has no {rest}.")


def carry_out(interaction: Interaction, call: Call) -> Response:
    call.store.practices.ensure(call.ods, today=london_date(call.now))
    return _HANDLERS[interaction](call)


def _search_free_slots(call: Call) -> Response:
    search = parse_slot_search(call.request.query)
    found = call.store.slots.free(call.ods, earliest=search.earliest, latest=search.latest)
    resources: list[dict[str, Any]] = [slot.to_fhir(version="1") for slot in found.slots]
    resources += [schedule.to_fhir(version="1") for schedule in found.schedules.values()]
    if search.include_practitioners:
        resources += [p.to_fhir(version="1") for p in found.practitioners.values()]
    if search.include_locations:
        resources += [location.to_fhir(version="1") for location in found.locations.values()]
    if found.organization is not None and search.include_organizations:
        resources.append(found.organization.to_fhir(version="1"))
    return fhir(200, searchset(resources))


def _book_appointment(call: Call) -> Response:
    body = call.request.json()
    if isinstance(body, dict) and "reason" in body:
        raise GPConnectError(SpineError.INVALID_RESOURCE, "Appointment.reason is not allowed.")
    if isinstance(body, dict) and body.get("id"):
        raise GPConnectError(SpineError.INVALID_RESOURCE, "A new appointment has no id yet.")
    appointment = Appointment.from_fhir(body)
    check_new(appointment)
    fills = call.faults.take_fills(appointment.slot_ids)
    booked = call.store.appointments.book(
        call.ods, appointment, requester=call.requester, now=call.now, practice_fills=fills
    )
    location = f"http://{call.request.host}/{call.ods}/STU3/1/gpconnect/Appointment/{booked.id}"
    return fhir(
        201,
        booked.to_fhir(),
        ("ETag", etag(booked.version)),
        ("Location", f"{location}/_history/{booked.version}"),
    )


def _read_appointment(call: Call) -> Response:
    appointment = call.store.appointments.read(call.ods, call.params["id"])
    if call.faults.take_practice_edit(appointment.id):
        call.store.appointments.edit_at_the_practice(call.ods, appointment.id, now=call.now)
    return fhir(200, appointment.to_fhir(), ("ETag", etag(appointment.version)))


def _update(call: Call, interaction: Interaction) -> Response:
    if_match = call.request.headers.get("if-match", "")
    if not if_match:
        raise GPConnectError(
            SpineError.BAD_REQUEST, "Send If-Match with the ETag of the appointment you read."
        )
    body = call.request.json()
    if isinstance(body, dict) and "reason" in body:
        raise GPConnectError(SpineError.INVALID_RESOURCE, "Appointment.reason is not allowed.")
    appointment = Appointment.from_fhir(body)
    if appointment.id != call.params["id"]:
        raise GPConnectError(SpineError.BAD_REQUEST, "The appointment's id must match the URL's.")
    updated = call.store.appointments.update(
        call.ods,
        call.params["id"],
        appointment,
        if_match=version_from_etag(if_match),
        interaction=interaction,
        requester=call.requester,
        now=call.now,
    )
    return fhir(200, updated.to_fhir(), ("ETag", etag(updated.version)))


def _amend_appointment(call: Call) -> Response:
    return _update(call, Interaction.AMEND_APPOINTMENT)


def _cancel_appointment(call: Call) -> Response:
    return _update(call, Interaction.CANCEL_APPOINTMENT)


def _retrieve_appointments(call: Call) -> Response:
    window = parse_appointment_search(call.request.query, today=london_date(call.now))
    patient_id = call.params["id"]
    if call.store.patients.get(call.ods, patient_id) is None:
        raise GPConnectError(SpineError.PATIENT_NOT_FOUND, f"No Patient/{patient_id}.")
    appointments = call.store.appointments.for_patient(call.ods, patient_id, window)
    return fhir(200, searchset(appointment.to_fhir() for appointment in appointments))


def _find_patient(call: Call) -> Response:
    patient = call.store.patients.find(call.ods, parse_patient_search(call.request.query))
    return fhir(200, searchset([patient.to_fhir(version="1")] if patient else []))


def _read_patient(call: Call) -> Response:
    patient = call.store.patients.get(call.ods, call.params["id"])
    if patient is None:
        raise GPConnectError(SpineError.PATIENT_NOT_FOUND, f"No Patient/{call.params['id']}.")
    return fhir(200, patient.to_fhir(version="1"), ("ETag", etag("1")))


def _register_patient(call: Call) -> Response:
    patient = call.store.patients.register(call.ods, parse_registration(call.request.json()))
    return fhir(200, searchset([patient.to_fhir(version="1")]))


_HANDLERS: dict[Interaction, Callable[[Call], Response]] = {
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
