"""What one attempt does at the practice system, for each operation: book, cancel or
amend, looking first for our own appointment when an earlier attempt's outcome is unknown.

GP Connect has no idempotency key, so after a timeout or a dropped answer the practice
system may hold our booking already: we recognise it by our booking reference (or, for a
practice system that keeps no consumer identifiers, by the slot), and book only if it is
not there. Cancelling and amending are otherwise idempotent.
"""

import contextlib
import datetime
from dataclasses import dataclass

from django.utils import timezone

from practices.clinical_systems.base import (
    AppointmentRequest,
    ClinicalSystem,
    NotFound,
    PracticeAppointment,
    Requester,
)
from writeback.models import WriteBackMessage

Operation = WriteBackMessage.Operation


@dataclass(frozen=True)
class Attempt:
    """A claimed message, as plain data for the adapter call made outside the transaction."""

    message_id: int
    number: int
    operation: str
    link_id: int
    practice_ods: str
    requester: Requester
    request: AppointmentRequest
    reconcile_first: bool
    external_id: str  # the practice's appointment id, where we know it
    book_never_written: bool  # cancel / amend: the booking itself never reached the practice
    cancellation_reason: str


def attempt_at(system: ClinicalSystem, attempt: Attempt) -> str:
    """Make the attempt; the practice system's appointment id, where there is one."""
    if attempt.operation == Operation.BOOK:
        return _book(system, attempt)
    if attempt.operation == Operation.CANCEL:
        return _cancel(system, attempt)
    return _amend(system, attempt)


def _book(system: ClinicalSystem, attempt: Attempt) -> str:
    if attempt.reconcile_first:
        ours = _find_ours(system, attempt)
        if ours is not None:
            return ours.external_id
    appointment = system.book(requester=attempt.requester, request=attempt.request)
    return appointment.external_id


def _cancel(system: ClinicalSystem, attempt: Attempt) -> str:
    external_id = attempt.external_id
    if not external_id:
        if attempt.book_never_written:
            return ""  # the booking never reached the practice: nothing to cancel
        ours = _find_ours(system, attempt, include_cancelled=True)
        if ours is None:
            return ""
        external_id = ours.external_id
    if attempt.reconcile_first:
        try:
            current = system.read(
                requester=attempt.requester,
                practice_ods=attempt.practice_ods,
                external_id=external_id,
            )
        except NotFound:
            return external_id
        if current.status == "cancelled":
            return external_id
    with contextlib.suppress(NotFound):  # already gone from the practice system
        system.cancel(
            requester=attempt.requester,
            practice_ods=attempt.practice_ods,
            external_id=external_id,
            reason=attempt.cancellation_reason or "Cancelled in Hub Diary",
        )
    return external_id


def _amend(system: ClinicalSystem, attempt: Attempt) -> str:
    external_id = attempt.external_id
    if not external_id:
        if attempt.book_never_written:
            return ""  # nothing in the practice system to amend
        ours = _find_ours(system, attempt)
        if ours is None:
            raise NotFound("The appointment is not in the practice system.")
        external_id = ours.external_id
    system.amend(
        requester=attempt.requester,
        practice_ods=attempt.practice_ods,
        external_id=external_id,
        description=attempt.request.description,
        comment=attempt.request.comment,
    )
    return external_id


def _find_ours(
    system: ClinicalSystem, attempt: Attempt, *, include_cancelled: bool = False
) -> PracticeAppointment | None:
    """Our appointment in the practice system, recognised by our booking reference."""
    request = attempt.request
    day = timezone.localtime(request.start).date()
    appointments = system.retrieve_patient_appointments(
        requester=attempt.requester,
        practice_ods=attempt.practice_ods,
        nhs_number=request.patient_nhs_number,
        start=day,
        end=day + datetime.timedelta(days=1),
    )
    ours = [
        a
        for a in appointments
        if a.reference == request.reference
        # A practice system that keeps no consumer identifiers: the slot tells ours apart.
        or (not a.reference and request.slot_external_id in a.slot_external_ids)
    ]
    live = [a for a in ours if a.status != "cancelled"]
    if live:
        return live[0]
    if include_cancelled and ours:
        return ours[0]
    return None
