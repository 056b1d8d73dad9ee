"""GP Connect's rules for appointments, as every provider of ours enforces them: what a new
booking must say, which slots book together, and what an amendment or a cancellation may
change (`appointments_use_case_book_an_appointment.md`, `..._amend_an_appointment.md`,
`..._cancel_an_appointment.md`). Each broken rule is a 422 INVALID_RESOURCE, but for a
cancellation without a reason: INVALID_PARAMETER.
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
    "priority",
)


def _invalid(message: str) -> GPConnectError:
    return GPConnectError(SpineError.INVALID_RESOURCE, message)


def apply_change(
    current: Appointment, changed: Appointment, *, interaction: Interaction, now: datetime
) -> Appointment:
    """The appointment after an amendment or cancellation. An amendment may change the
    description and comment only; a cancellation the status (to cancelled) and the
    cancellation reason only; neither touches a cancelled or past appointment."""
    if current.status == "cancelled":
        raise _invalid("The appointment is cancelled: it can no longer be changed.")
    if current.start <= now:
        raise _invalid("Appointments in the past cannot be changed.")
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
    if interaction is Interaction.CANCEL_APPOINTMENT:
        return _cancelled(current, changed, moved)
    if changed.status != current.status:
        moved.append("status")
    if changed.cancellation_reason:
        moved.append("cancellation reason")
    if moved:
        raise _invalid(
            f"An amendment changes only the description and comment, not {', '.join(moved)}."
        )
    if len(changed.description) > DESCRIPTION_MAX or len(changed.comment) > COMMENT_MAX:
        raise _invalid(
            f"The description takes at most {DESCRIPTION_MAX} characters and the comment "
            f"{COMMENT_MAX}."
        )
    if not changed.description.strip():
        raise _invalid("Appointment.description is required.")
    return current.changed(description=changed.description, comment=changed.comment)


def _cancelled(current: Appointment, changed: Appointment, moved: list[str]) -> Appointment:
    if (changed.description, changed.comment) != (current.description, current.comment):
        moved.append("description or comment")
    if moved:
        raise _invalid(
            "A cancellation changes only the status and the cancellation reason, not "
            f"{', '.join(moved)}."
        )
    if changed.status != "cancelled":
        raise _invalid("A cancellation sets the status to cancelled.")
    if not changed.cancellation_reason.strip():
        raise GPConnectError(
            SpineError.INVALID_PARAMETER, "A cancellation needs a cancellation reason."
        )
    return current.changed(status="cancelled", cancellation_reason=changed.cancellation_reason)
