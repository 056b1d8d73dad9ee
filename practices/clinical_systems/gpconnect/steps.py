"""The GP Connect steps behind the Protocol's operations: search a window for free slots,
find or register the patient, find the slot to book as free now, read an appointment and
its patient's NHS number, and read-change-PUT with If-Match until the version holds."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from gpconnect.errors import GPConnectError
from gpconnect.jwt import organisation_record, patient_record
from gpconnect.resources.appointment import Appointment
from gpconnect.resources.bundle import resources_in
from gpconnect.resources.patient import Patient, registration_parameters
from gpconnect.resources.schedule import Schedule
from gpconnect.resources.slot import Slot
from gpconnect.rest import (
    DateWindow,
    Interaction,
    patient_search_params,
    slot_search_params,
    version_from_etag,
)
from gpconnect.times import london_date
from practices.clinical_systems.base import (
    AppointmentRequest,
    PracticeAppointment,
    SlotConflict,
    Unavailable,
    VersionConflict,
)

from .answers import Answer, bad_answer, raise_unless_ok
from .plain_data import practice_appointment
from .practice_api import PracticeAPI

# Given the appointment as read and a copy of its resource, the resource to PUT, or None
# when it already says what it should.
Change = Callable[[Appointment, dict[str, Any]], dict[str, Any] | None]


@dataclass(frozen=True)
class FreeSlot:
    slot: Slot
    schedule: Schedule


def search_bundle(api: PracticeAPI, window: DateWindow) -> Any:
    """The searchset Bundle of free slots in one window of at most 14 days."""
    answer = api.call(
        Interaction.SEARCH_FREE_SLOTS,
        "GET",
        "/Slot",
        query=slot_search_params(window, booking_ods=api.requester.organisation_ods),
        record=organisation_record(api.ods),
    )
    raise_unless_ok(answer, writes=False, what="Searching for free slots")
    return answer.body


def free_slot(api: PracticeAPI, request: AppointmentRequest) -> FreeSlot:
    """The slot to book, as free in the practice system now, with its schedule."""
    window = DateWindow(london_date(request.start), london_date(request.end))
    bundle = search_bundle(api, window)
    try:
        schedules = {
            schedule.id: schedule
            for schedule in map(Schedule.from_fhir, resources_in(bundle, "Schedule"))
        }
        for slot in map(Slot.from_fhir, resources_in(bundle, "Slot")):
            if slot.id == request.slot_external_id and slot.schedule_id in schedules:
                return FreeSlot(slot, schedules[slot.schedule_id])
    except GPConnectError as exc:
        raise Unavailable(f"The practice system sent a bad slot: {exc}") from exc
    raise SlotConflict(f"Slot {request.slot_external_id} is no longer free in {api.ods}'s system.")


def find_patient(api: PracticeAPI, nhs_number: str) -> Patient | None:
    answer = api.call(
        Interaction.FIND_PATIENT,
        "GET",
        "/Patient",
        query=patient_search_params(nhs_number),
        record=patient_record(nhs_number),
    )
    raise_unless_ok(answer, writes=False, what="Finding the patient")
    try:
        patients = [Patient.from_fhir(r) for r in resources_in(answer.body, "Patient")]
    except GPConnectError as exc:
        raise Unavailable(f"The practice system sent a bad patient: {exc}") from exc
    return next((p for p in patients if p.nhs_number == nhs_number and p.id), None)


def patient_id(api: PracticeAPI, request: AppointmentRequest) -> str:
    """The patient's id in the practice system, registering them (temporarily) if the
    practice does not know them: extended access sees patients of other practices."""
    nhs_number = request.patient_nhs_number
    patient = find_patient(api, nhs_number)
    if patient is not None:
        return patient.id
    registration = Patient(
        nhs_number=nhs_number,
        family=request.patient_family_name,
        given=(request.patient_given_name,) if request.patient_given_name else (),
        birth_date=request.patient_birth_date,
    )
    answer = api.call(
        Interaction.REGISTER_PATIENT,
        "POST",
        "/Patient/$gpc.registerpatient",
        body=registration_parameters(registration),
        record=patient_record(nhs_number),
    )
    if answer.status != 409:  # 409: registered meanwhile; find them again
        # Registering is not the booking: a lost answer here is retried, not reconciled.
        raise_unless_ok(answer, writes=False, what="Registering the patient")
        try:
            registered = [Patient.from_fhir(r) for r in resources_in(answer.body, "Patient")]
        except GPConnectError as exc:
            raise Unavailable(f"The practice system sent a bad patient: {exc}") from exc
        if registered and registered[0].id:
            return registered[0].id
    patient = find_patient(api, nhs_number)
    if patient is None:
        raise Unavailable(f"{api.ods}'s system registered the patient but cannot find them.")
    return patient.id


def nhs_number(api: PracticeAPI, patient_id: str) -> str:
    answer = api.call(Interaction.READ_PATIENT, "GET", f"/Patient/{quote(patient_id)}")
    raise_unless_ok(answer, writes=False, what="Reading the patient")
    try:
        return Patient.from_fhir(answer.body).nhs_number
    except GPConnectError as exc:
        raise Unavailable(f"The practice system sent a bad patient: {exc}") from exc


def read_appointment(api: PracticeAPI, external_id: str) -> tuple[Appointment, dict[str, Any]]:
    """The appointment, and its resource as the practice system sent it."""
    answer = api.call(Interaction.READ_APPOINTMENT, "GET", f"/Appointment/{quote(external_id)}")
    raise_unless_ok(answer, writes=False, what=f"Reading appointment {external_id}")
    return appointment_in(answer, writes=False), answer.body


def read_change_put(
    api: PracticeAPI,
    external_id: str,
    interaction: Interaction,
    change: Change,
    *,
    attempts: int,
) -> PracticeAppointment:
    """Read, change, PUT with If-Match; read again while the version we read goes stale
    before our PUT, up to `attempts` times."""
    for _ in range(attempts):
        current, resource = read_appointment(api, external_id)
        patients_nhs_number = nhs_number(api, current.patient_id)
        changed = change(current, json.loads(json.dumps(resource)))
        if changed is None:
            return practice_appointment(current, patients_nhs_number)
        answer = api.call(
            interaction,
            "PUT",
            f"/Appointment/{quote(external_id)}",
            body=changed,
            if_match=current.version,
            record=patient_record(patients_nhs_number),
        )
        if answer.status in (409, 412):
            continue  # changed since we read it: read again
        raise_unless_ok(answer, writes=True, what=f"Updating appointment {external_id}")
        return practice_appointment(appointment_in(answer, writes=True), patients_nhs_number)
    raise VersionConflict(
        f"Appointment {external_id} in {api.ods}'s system changed under every one of "
        f"{attempts} attempts to update it."
    )


def appointment_in(answer: Answer, *, writes: bool) -> Appointment:
    """The appointment in an answer, its version from the ETag where the body has none."""
    try:
        appointment = Appointment.from_fhir(answer.body)
    except GPConnectError as exc:
        message = f"The practice system's appointment does not parse: {exc}"
        raise bad_answer(message, writes=writes) from exc
    if not appointment.version and answer.etag:
        appointment = appointment.changed(version=version_from_etag(answer.etag))
    if not appointment.id or not appointment.version:
        message = "The practice system's appointment has no id or version."
        raise bad_answer(message, writes=writes)
    return appointment
