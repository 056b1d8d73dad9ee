"""The one seam between Hub Diary and a practice's clinical system.

Write-back and slot import talk to practices through `ClinicalSystem`; tests patch this
seam, the demo and the fault tests use the GP Connect sandbox behind the real client.
"""

import datetime
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Requester:
    """Who is asking, for the GP Connect JWT: the signed-in user's own organisation and
    identity, never the hub's host."""

    organisation_ods: str
    organisation_name: str
    user_id: str  # our user's public id
    user_name: str
    sds_role: str = ""  # SDS job-role code, where known


@dataclass(frozen=True)
class PracticeSlot:
    """A free slot as the practice system holds it."""

    external_id: str
    start: datetime.datetime  # timezone-aware
    end: datetime.datetime
    practitioner_role: str  # SDS job-role code
    delivery_channel: str
    slot_type: str
    site_name: str = ""
    practitioner_name: str = ""


@dataclass(frozen=True)
class AppointmentRequest:
    """What we ask the practice system to book."""

    practice_ods: str
    slot_external_id: str
    start: datetime.datetime
    end: datetime.datetime
    patient_nhs_number: str
    patient_given_name: str
    patient_family_name: str
    patient_birth_date: datetime.date
    description: str
    comment: str
    reference: str  # our booking's public id, stored on the appointment to recognise it
    booking_organisation_ods: str
    booking_organisation_name: str
    # GP Connect requires the booking organisation's name *and* telephone on the booking.
    booking_organisation_phone: str = ""


@dataclass(frozen=True)
class PracticeAppointment:
    """An appointment as the practice system holds it."""

    external_id: str
    version: str  # for If-Match on amend and cancel
    status: str  # "booked" or "cancelled"
    start: datetime.datetime
    end: datetime.datetime
    patient_nhs_number: str
    description: str
    comment: str = ""
    reference: str = ""  # ours, if the appointment was made by Hub Diary
    cancellation_reason: str = ""
    slot_external_ids: tuple[str, ...] = field(default=())


class ClinicalSystemError(Exception):
    """Base class. `retryable` says whether trying again later may succeed."""

    retryable = False


class OutcomeUnknown(ClinicalSystemError):
    """A timeout or dropped connection after the request was sent: it may have been done.
    Reconcile (retrieve the patient's appointments) before trying again."""

    retryable = True


class Unavailable(ClinicalSystemError):
    """The system said it could not do it now (5xx, connection refused): try again later."""

    retryable = True


class SlotConflict(ClinicalSystemError):
    """DUPLICATE_REJECTED (409): the practice filled the slot itself."""


class VersionConflict(ClinicalSystemError):
    """409/412 on If-Match, again and again: the appointment keeps changing between our read
    and our write (GP Connect answers a stale version with 409 FHIR_CONSTRAINT_VIOLATION).
    The adapter has already re-read and retried; try again later."""

    retryable = True


class NotFound(ClinicalSystemError):
    """NO_RECORD_FOUND (404)."""


class Rejected(ClinicalSystemError):
    """The request was refused as invalid (400/422): retrying will not help."""


class ClinicalSystem(Protocol):
    """GP Connect Appointment Management's six interactions, in plain data."""

    def search_free_slots(
        self,
        *,
        requester: Requester,
        practice_ods: str,
        start: datetime.date,
        end: datetime.date,
    ) -> list[PracticeSlot]:
        """Free slots from `start` to `end` (at most 14 days)."""
        ...

    def book(self, *, requester: Requester, request: AppointmentRequest) -> PracticeAppointment: ...

    def retrieve_patient_appointments(
        self,
        *,
        requester: Requester,
        practice_ods: str,
        nhs_number: str,
        start: datetime.date,
        end: datetime.date,
    ) -> list[PracticeAppointment]: ...

    def read(
        self, *, requester: Requester, practice_ods: str, external_id: str
    ) -> PracticeAppointment: ...

    def amend(
        self,
        *,
        requester: Requester,
        practice_ods: str,
        external_id: str,
        description: str,
        comment: str,
    ) -> PracticeAppointment:
        """Read, change, PUT with If-Match."""
        ...

    def cancel(
        self, *, requester: Requester, practice_ods: str, external_id: str, reason: str
    ) -> PracticeAppointment:
        """Read, change, PUT with If-Match."""
        ...
