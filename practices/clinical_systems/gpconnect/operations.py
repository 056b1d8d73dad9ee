"""`GPConnectClient`: the `ClinicalSystem` Protocol's operations for practices reached
through GP Connect, each made of the steps in `steps`."""

import ssl
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from gpconnect import codes
from gpconnect.errors import GPConnectError
from gpconnect.jwt import patient_record
from gpconnect.resources.appointment import COMMENT_MAX, DESCRIPTION_MAX, Appointment
from gpconnect.resources.bundle import resources_in
from gpconnect.resources.organization import Organization
from gpconnect.rest import DateWindow, Interaction, appointment_search_params, split_window
from gpconnect.times import london_date
from practices.clinical_systems.base import (
    AppointmentRequest,
    PracticeAppointment,
    PracticeSlot,
    Rejected,
    Requester,
    SlotConflict,
    Unavailable,
)

from . import steps
from .answers import describe, raise_unless_ok
from .endpoints import ConsumerSystem, Endpoints, endpoint_for
from .plain_data import practice_appointment, practice_slots
from .practice_api import PracticeAPI
from .transport import DEFAULT_RETRIES, DEFAULT_TIMEOUTS, Retries, Timeouts, Transport

DEFAULT_DESCRIPTION = "Hub Diary booking"  # GP Connect requires a description
DEFAULT_CANCELLATION_REASON = "Cancelled in Hub Diary"  # ... and a cancellation reason


def _now() -> datetime:
    return datetime.now(UTC)


class GPConnectClient:
    """The `ClinicalSystem` for practices reached through GP Connect. Cheap to make: its
    connections are the process's pooled ones (`transport`), so one may be made per call."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        endpoints: Endpoints | None = None,
        consumer: ConsumerSystem | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retries: Retries = DEFAULT_RETRIES,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        if (base_url is None) == (endpoints is None):
            raise ValueError("Give either base_url or endpoints.")
        self._endpoints: Endpoints = endpoints if endpoints is not None else (lambda _: base_url)
        self.consumer = consumer or ConsumerSystem()
        self.retries = retries
        self._transport = Transport(
            timeouts=timeouts, connect_retries=retries.connect, ssl_context=ssl_context
        )
        self._clock = clock

    def _api(self, requester: Requester, ods: str) -> PracticeAPI:
        return PracticeAPI(
            ods=ods,
            endpoint=endpoint_for(self._endpoints, ods),
            requester=requester,
            consumer=self.consumer,
            transport=self._transport,
            clock=self._clock,
        )

    def search_free_slots(
        self, *, requester: Requester, practice_ods: str, start: date, end: date
    ) -> list[PracticeSlot]:
        """Free slots on the days from `start` to `end` (both included), 14 days a call."""
        api = self._api(requester, practice_ods)
        found: dict[str, PracticeSlot] = {}
        for window in split_window(start, end):
            for slot in practice_slots(steps.search_bundle(api, window)):
                found.setdefault(slot.external_id, slot)
        return sorted(found.values(), key=lambda slot: (slot.start, slot.external_id))

    def book(self, *, requester: Requester, request: AppointmentRequest) -> PracticeAppointment:
        description = request.description or DEFAULT_DESCRIPTION
        if len(description) > DESCRIPTION_MAX or len(request.comment) > COMMENT_MAX:
            raise Rejected(
                f"GP Connect takes descriptions of up to {DESCRIPTION_MAX} characters and "
                f"comments of up to {COMMENT_MAX}."
            )
        api = self._api(requester, request.practice_ods)
        patient_id = steps.patient_id(api, request)
        free = steps.free_slot(api, request)
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
        answer = api.call(
            Interaction.BOOK_APPOINTMENT,
            "POST",
            "/Appointment",
            body=appointment.to_fhir(),
            record=patient_record(request.patient_nhs_number),
        )
        if answer.status == 409:
            raise SlotConflict(describe(answer, f"Booking slot {free.slot.id}"))
        raise_unless_ok(answer, writes=True, what="Booking")
        return practice_appointment(
            steps.appointment_in(answer, writes=True), request.patient_nhs_number
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
        api = self._api(requester, practice_ods)
        patient = steps.find_patient(api, nhs_number)
        if patient is None:
            return []
        answer = api.call(
            Interaction.RETRIEVE_APPOINTMENTS,
            "GET",
            f"/Patient/{quote(patient.id)}/Appointment",
            query=appointment_search_params(DateWindow(start, end)),
            record=patient_record(nhs_number),
        )
        raise_unless_ok(answer, writes=False, what="Retrieving appointments")
        try:
            appointments = [
                Appointment.from_fhir(resource)
                for resource in resources_in(answer.body, "Appointment")
            ]
        except GPConnectError as exc:
            raise Unavailable(f"The practice system sent a bad appointment: {exc}") from exc
        return [practice_appointment(a, nhs_number) for a in appointments]

    def read(
        self, *, requester: Requester, practice_ods: str, external_id: str
    ) -> PracticeAppointment:
        api = self._api(requester, practice_ods)
        appointment, _ = steps.read_appointment(api, external_id)
        return practice_appointment(appointment, steps.nhs_number(api, appointment.patient_id))

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

        return steps.read_change_put(
            self._api(requester, practice_ods),
            external_id,
            Interaction.AMEND_APPOINTMENT,
            change,
            attempts=self.retries.stale_version,
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

        return steps.read_change_put(
            self._api(requester, practice_ods),
            external_id,
            Interaction.CANCEL_APPOINTMENT,
            change,
            attempts=self.retries.stale_version,
        )
