"""GP Connect requests to the sandbox that its tests make again and again, in raw HTTP:
search, register, book and update, with good headers and JWT."""

from datetime import UTC, date, datetime, timedelta

from gpconnect import codes
from gpconnect.resources.appointment import Appointment
from gpconnect.resources.organization import Organization
from gpconnect.resources.patient import Patient, registration_parameters
from gpconnect.rest import DateWindow, Interaction, slot_search_params
from gpconnect.times import london_date
from tests.gpconnect.sandbox.harness import PRACTICE

NHS_NUMBER = "9990000018"


def spine_code(answer) -> str:
    return answer.body["issue"][0]["details"]["coding"][0]["code"]


def tomorrow(sandbox) -> date:
    return london_date(sandbox.clock()) + timedelta(days=1)


def search(sandbox, start: date, end: date, **kwargs):
    return sandbox.gpconnect(
        Interaction.SEARCH_FREE_SLOTS,
        "GET",
        "/Slot",
        query=slot_search_params(DateWindow(start, end), booking_ods="U30003"),
        **kwargs,
    )


def free_slots(sandbox, days: int = 7) -> list[dict]:
    start = tomorrow(sandbox)
    answer = search(sandbox, start, start + timedelta(days=days - 1))
    assert answer.status == 200, answer.body
    return [e["resource"] for e in answer.body["entry"] if e["resource"]["resourceType"] == "Slot"]


def register(sandbox, nhs_number: str = NHS_NUMBER) -> str:
    patient = Patient(nhs_number, "Brown", ("Bea",), birth_date=date(1980, 5, 1))
    answer = sandbox.gpconnect(
        Interaction.REGISTER_PATIENT,
        "POST",
        "/Patient/$gpc.registerpatient",
        body=registration_parameters(patient),
    )
    assert answer.status == 200, answer.body
    return answer.body["entry"][0]["resource"]["id"]


def appointment_json(slot: dict, patient: str, **changes) -> dict:
    appointment = Appointment(
        status="booked",
        start=datetime.fromisoformat(slot["start"]),
        end=datetime.fromisoformat(slot["end"]),
        slot_ids=(slot["id"],),
        patient_id=patient,
        location_id=f"{PRACTICE}-L1",
        created=datetime.now(UTC),
        booking_organization=Organization(ods_code="U30003", name="Aire Valley Hub", phone="0"),
        description="Extended access",
        identifiers=((codes.SYSTEM_BOOKING_REFERENCE, "ref-1"),),
    )
    return appointment.changed(**changes).to_fhir()


def book(sandbox, slot: dict, patient: str, *, timeout: float = 5, **changes):
    return sandbox.gpconnect(
        Interaction.BOOK_APPOINTMENT,
        "POST",
        "/Appointment",
        body=appointment_json(slot, patient, **changes),
        timeout=timeout,
    )


def book_one(sandbox) -> dict:
    slot = free_slots(sandbox)[0]
    answer = book(sandbox, slot, register(sandbox))
    assert answer.status == 201, answer.body
    return answer.body


def put(sandbox, resource: dict, version: str, interaction=Interaction.AMEND_APPOINTMENT):
    return sandbox.gpconnect(
        interaction,
        "PUT",
        f"/Appointment/{resource['id']}",
        body=resource,
        headers={"If-Match": f'W/"{version}"'},
    )


def raw_search(sandbox, timeout: float = 5):
    return search(sandbox, tomorrow(sandbox), tomorrow(sandbox), timeout=timeout)
