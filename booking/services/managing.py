"""Managing a booking once made: cancel it, change its details, and record what happened
(arrived, attended, did not attend). Each change locks the booking, checks the version the
caller saw, and makes its access decision through governance's door in the same
transaction (`decide_then`)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from booking.changes import Change, announce
from booking.errors import (
    BookingChanged,
    BookingNotFound,
    InvalidBookingChange,
)
from booking.models import Booking, Slot
from governance.access import Purpose, decide_then
from governance.actions import Action
from governance.audit import Actor
from governance.permissions import Perm
from gpconnect.resources.appointment import COMMENT_MAX, DESCRIPTION_MAX

TRANSITIONS = {
    Booking.Status.BOOKED: {
        Booking.Status.ARRIVED,
        Booking.Status.ATTENDED,
        Booking.Status.DID_NOT_ATTEND,
    },
    Booking.Status.ARRIVED: {Booking.Status.ATTENDED, Booking.Status.BOOKED},
    Booking.Status.ATTENDED: {Booking.Status.ARRIVED},
    Booking.Status.DID_NOT_ATTEND: {Booking.Status.BOOKED},
}


def require_booking_role(actor: Actor) -> None:
    """The acting role books appointments, or PermissionDenied."""
    if actor.membership is None or Perm.BOOK_FOR_PATIENTS not in actor.permissions:
        raise PermissionDenied("Your role does not book appointments.")


def _lock_for_change(booking: Booking, expected_version: int | None) -> Booking:
    locked = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
    if expected_version is not None and locked.version != expected_version:
        raise BookingChanged(
            "Someone else changed this booking a moment ago. Check it and try again."
        )
    return locked


def may_manage(by: Actor, booking: Booking) -> None:
    """The booking organisation and the practice that owns the slot may change a booking."""
    require_booking_role(by)
    organisation = by.membership.organisation
    if organisation.pk not in (booking.booking_organisation_id, booking.slot.practice_id):
        raise BookingNotFound("No booking found.")


def cancel_booking(
    *, by: Actor, booking: Booking, reason: str, expected_version: int | None = None
) -> Booking:
    may_manage(by, booking)
    if not reason.strip():
        raise InvalidBookingChange("Give a reason for cancelling.")
    return decide_then(
        by,
        booking.patient,
        Purpose.BOOK,
        action=Action.BOOKING_CANCEL,
        obj=booking,
        then=lambda: cancel_locked(
            by=by, booking=booking, reason=reason, expected_version=expected_version
        ),
    )


def cancel_locked(
    *, by: Actor, booking: Booking, reason: str, expected_version: int | None
) -> Booking:
    booking = _lock_for_change(booking, expected_version)
    if booking.status == Booking.Status.CANCELLED:
        raise InvalidBookingChange("This booking is already cancelled.")
    slot = Slot.objects.select_for_update().get(pk=booking.slot_id)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_by, booking.cancelled_at = by.user, timezone.now()
    booking.cancellation_reason = reason.strip()[:200]
    booking.version += 1
    booking.save()
    if slot.status == Slot.Status.BOOKED and slot.start > timezone.now():
        slot.status = Slot.Status.FREE
        slot.save(update_fields=["status", "updated_at"])
    announce(by=by, booking=booking, change=Change.CANCELLED)
    return booking


def amend_booking(
    *,
    by: Actor,
    booking: Booking,
    description: str,
    comment: str,
    expected_version: int | None = None,
) -> Booking:
    """Change what the appointment is for and the comment for the practice. The practice
    system is told through the outbox, in the same transaction."""
    may_manage(by, booking)
    description, comment = description.strip(), comment.strip()
    _check_details(description, comment)

    def amend() -> Booking:
        locked = _lock_for_change(booking, expected_version)
        if locked.status != Booking.Status.BOOKED or locked.start <= timezone.now():
            raise InvalidBookingChange("Only an appointment that is still to come can be changed.")
        if (locked.description, locked.comment) == (description, comment):
            return locked  # nothing to change, nothing to tell the practice
        locked.description, locked.comment = description, comment
        locked.version += 1
        locked.save(update_fields=["description", "comment", "version", "updated_at"])
        announce(by=by, booking=locked, change=Change.AMENDED)
        return locked

    return decide_then(
        by, booking.patient, Purpose.BOOK, action=Action.BOOKING_AMEND, obj=booking, then=amend
    )


def _check_details(description: str, comment: str) -> None:
    fields = {}
    if not description:
        fields["description"] = ["Enter what the appointment is for"]
    elif len(description) > DESCRIPTION_MAX:
        fields["description"] = [
            f"What the appointment is for must be {DESCRIPTION_MAX} characters or fewer"
        ]
    if len(comment) > COMMENT_MAX:
        fields["comment"] = [f"The comment must be {COMMENT_MAX} characters or fewer"]
    if fields:
        first = next(iter(fields.values()))[0]
        raise InvalidBookingChange(f"{first}.", fields=fields)


def record_attendance(
    *, by: Actor, booking: Booking, status: str, expected_version: int | None = None
) -> Booking:
    """Arrived, attended or did not attend, as the session happens (and undo a mistake)."""
    may_manage(by, booking)
    if status not in ATTENDANCE_ACTIONS:
        raise InvalidBookingChange("Choose arrived, attended, did not attend or booked.")

    def record() -> Booking:
        locked = _lock_for_change(booking, expected_version)
        if status not in TRANSITIONS.get(locked.status, set()):
            raise InvalidBookingChange(
                f"A booking that is {locked.get_status_display().lower()} cannot become "
                f"{Booking.Status(status).label.lower()}."
            )
        if status != Booking.Status.BOOKED and locked.start > timezone.now() + _EARLY:
            raise InvalidBookingChange("This appointment has not started yet.")
        locked.status = status
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        return locked

    return decide_then(
        by,
        booking.patient,
        Purpose.BOOK,
        action=ATTENDANCE_ACTIONS[status],
        obj=booking,
        then=record,
    )


_EARLY = datetime.timedelta(hours=2)  # patients arrive early; sessions run late
ATTENDANCE_ACTIONS = {
    Booking.Status.ARRIVED: Action.BOOKING_ARRIVED,
    Booking.Status.ATTENDED: Action.BOOKING_ATTENDED,
    Booking.Status.DID_NOT_ATTEND: Action.BOOKING_DID_NOT_ATTEND,
    Booking.Status.BOOKED: Action.BOOKING_BOOKED,
}
