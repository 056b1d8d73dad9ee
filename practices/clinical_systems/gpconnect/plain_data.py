"""GP Connect's resources as the plain data of `base.py`, which is all write-back and slot
import see of a practice system."""

from typing import Any

from gpconnect import codes
from gpconnect.errors import GPConnectError
from gpconnect.resources.appointment import Appointment
from gpconnect.resources.bundle import resources_in
from gpconnect.resources.location import Location
from gpconnect.resources.practitioner import Practitioner
from gpconnect.resources.schedule import Schedule
from gpconnect.resources.slot import Slot
from practices.clinical_systems.base import PracticeAppointment, PracticeSlot, Unavailable


def practice_appointment(appointment: Appointment, nhs_number: str) -> PracticeAppointment:
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


def practice_slots(bundle: Any) -> list[PracticeSlot]:
    """The free slots in a search's Bundle, with their schedules' roles, sites and
    clinicians."""
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
