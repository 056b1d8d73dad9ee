"""GP Connect's rules for appointments, as the sandbox enforces them: what a new booking
must say, which slots book together, and what an amendment or a cancellation may change
(`appointments_use_case_book_an_appointment.md`, `..._amend_an_appointment.md`,
`..._cancel_an_appointment.md`). Each broken rule is a 422 INVALID_RESOURCE.
"""

import itertools
from datetime import datetime

from gpconnect.errors import GPConnectError, SpineError
from gpconnect.resources.appointment import COMMENT_MAX, DESCRIPTION_MAX, Appointment
from gpconnect.resources.slot import Slot
from gpconnect.rest import Interaction


def check_new(appointment: Appointment) -> None:
    """What GP Connect requires of a booking before the slots are looked at."""
    if appointment.status != "booked":
        raise GPConnectError(SpineError.INVALID_RESOURCE, "A new appointment's status is booked.")
    if appointment.created is None:
        raise GPConnectError(SpineError.INVALID_RESOURCE, "Appointment.created is required.")
    if appointment.booking_organization is None:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE,
            "The booking organisation extension and its contained Organization are required.",
        )
    if not appointment.description.strip():
        raise GPConnectError(SpineError.INVALID_RESOURCE, "Appointment.description is required.")
    if len(appointment.description) > DESCRIPTION_MAX or len(appointment.comment) > COMMENT_MAX:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE,
            f"The description takes at most {DESCRIPTION_MAX} characters and the comment "
            f"{COMMENT_MAX}.",
        )
    if appointment.cancellation_reason:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE, "A new appointment has no cancellation reason."
        )


def check_slots_fit(appointment: Appointment, slots: list[Slot], *, now: datetime) -> None:
    """The slots, in order of start, are adjacent slots of one schedule, the appointment
    spans exactly them, and it is still to come."""
    if len({slot.schedule_id for slot in slots}) != 1 or any(
        later.start != earlier.end for earlier, later in itertools.pairwise(slots)
    ):
        raise GPConnectError(
            SpineError.INVALID_RESOURCE, "Only adjacent slots of one schedule book together."
        )
    if appointment.start != slots[0].start or appointment.end != slots[-1].end:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE,
            "The appointment's start and end must match its slots'.",
        )
    if appointment.start <= now:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE, "Only appointments in the future can be booked."
        )


FIXED_FIELDS = (
    "start",
    "end",
    "slot_ids",
    "patient_id",
    "location_id",
    "created",
    "identifiers",
)


def apply_change(
    current: Appointment, changed: Appointment, *, interaction: Interaction, now: datetime
) -> Appointment:
    """The appointment after an amendment or cancellation: only what GP Connect lets
    change may change (422 INVALID_RESOURCE otherwise)."""
    if current.start <= now:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE, "Appointments in the past cannot be changed."
        )
    moved = [name for name in FIXED_FIELDS if getattr(changed, name) != getattr(current, name)]
    if changed.practitioner_id and changed.practitioner_id != current.practitioner_id:
        moved.append("practitioner")
    if changed.booking_organization != current.booking_organization and (
        changed.booking_organization is None
        or current.booking_organization is None
        or (changed.booking_organization.ods_code, changed.booking_organization.name)
        != (current.booking_organization.ods_code, current.booking_organization.name)
    ):
        moved.append("booking organisation")
    if moved:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE,
            f"Only the description, comment, status and cancellation reason may change, not "
            f"{', '.join(moved)}.",
        )
    if len(changed.description) > DESCRIPTION_MAX or len(changed.comment) > COMMENT_MAX:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE,
            f"The description takes at most {DESCRIPTION_MAX} characters and the comment "
            f"{COMMENT_MAX}.",
        )
    if interaction is Interaction.CANCEL_APPOINTMENT:
        if current.status == "cancelled":
            raise GPConnectError(SpineError.INVALID_RESOURCE, "The appointment is cancelled.")
        if changed.status != "cancelled" or not changed.cancellation_reason.strip():
            raise GPConnectError(
                SpineError.INVALID_RESOURCE,
                "A cancellation sets status to cancelled and gives a cancellation reason.",
            )
        if (changed.description, changed.comment) != (current.description, current.comment):
            raise GPConnectError(
                SpineError.INVALID_RESOURCE,
                "A cancellation changes only the status and the cancellation reason.",
            )
    else:
        if changed.status != current.status:
            raise GPConnectError(
                SpineError.INVALID_RESOURCE,
                "An amendment cannot change the status: cancel with the cancel interaction.",
            )
        if current.status != "cancelled" and changed.cancellation_reason:
            raise GPConnectError(
                SpineError.INVALID_RESOURCE,
                "Only a cancelled appointment has a cancellation reason.",
            )
    return current.changed(
        status=changed.status,
        description=changed.description,
        comment=changed.comment,
        cancellation_reason=changed.cancellation_reason,
    )
