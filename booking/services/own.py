"""A patient booking, moving and cancelling their own appointments online.

The same locked and audited steps as staff booking (`bookings`, `managing`), with three
differences: the patient must hold the slot first (`booking.holds`), the rules are those
released to patients online, and the hub sets how many appointments to come one patient may
hold (the database enforces it too: online migration 0002) and how late one may cancel.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from booking.changes import moving
from booking.errors import (
    BookingNotFound,
    HoldExpired,
    InvalidBookingChange,
    OnlineLimitReached,
    SlotTaken,
)
from booking.holds import let_go, live_hold
from booking.models import Booking, Slot
from booking.services.bookings import book_locked
from booking.services.managing import cancel_locked
from governance.access import PatientNotFound, Purpose, decide_then
from governance.actions import Action
from governance.audit import Actor
from practices.models import Organisation

# The database names this when a booking would pass the limit (online migration 0002).
LIMIT_CONSTRAINT = "online_future_bookings_limit"
MOVED_ONLINE = "Moved online by the patient"
CANCELLED_ONLINE = "Cancelled online by the patient"


def future_online_bookings(patient, now: datetime.datetime | None = None):
    """The patient's live online bookings still to come."""
    return Booking.objects.filter(
        patient=patient,
        channel=Booking.Channel.ONLINE,
        start__gt=now or timezone.now(),
    ).exclude(status=Booking.Status.CANCELLED)


def book_held_slot(
    *,
    by: Actor,
    slot: Slot,
    holder: str,
    hub: Organisation,
    description: str,
    most_to_come: int,
) -> Booking:
    """Book the patient acting (`by.patient`) into the slot `holder` holds, through `hub`.

    Raises HoldExpired (the hold ran out and the slot has gone), SlotTaken, SlotNotBookable,
    OnlineLimitReached."""
    patient = by.patient
    try:
        with transaction.atomic():
            if live_hold(slot=slot, holder=holder) is None:
                raise HoldExpired("The time you chose is no longer held for you. Choose another.")
            if future_online_bookings(patient).count() >= most_to_come:
                raise _limit(most_to_come)
            booking = book_locked(
                by=by,
                action=Action.BOOKING_CREATE,
                slot=slot,
                patient=patient,
                description=description,
                comment="",
                idempotency_key=None,
                override_reason="",
                for_patient_online=hub,
            )
            if booking is None:  # only their own record: never refused
                raise PatientNotFound("No patient found.")
            let_go(holder=holder, slot=slot)
    except IntegrityError as error:
        raise _integrity(error, most_to_come) from error
    return booking


def move_to_held_slot(
    *,
    by: Actor,
    booking: Booking,
    slot: Slot,
    holder: str,
    hub: Organisation,
    cancel_cutoff: datetime.timedelta,
) -> Booking:
    """Move the patient's own booking to the slot they hold: cancel and book as one step."""
    _check_own(by, booking, cancel_cutoff)

    def move() -> Booking:
        with moving(booking):
            return _move()

    def _move() -> Booking:
        if live_hold(slot=slot, holder=holder) is None:
            raise HoldExpired("The time you chose is no longer held for you. Choose another.")
        cancel_locked(by=by, booking=booking, reason=MOVED_ONLINE, expected_version=None)
        moved = book_locked(
            by=by,
            action=Action.BOOKING_CREATE,
            slot=slot,
            patient=booking.patient,
            description=booking.description,
            comment=booking.comment,
            idempotency_key=None,
            override_reason="",
            for_patient_online=hub,
        )
        let_go(holder=holder, slot=slot)
        return moved

    try:
        return decide_then(
            by, booking.patient, Purpose.BOOK, action=Action.BOOKING_REBOOK, obj=booking, then=move
        )
    except IntegrityError as error:
        raise _integrity(error, None) from error


def cancel_own_booking(
    *, by: Actor, booking: Booking, cancel_cutoff: datetime.timedelta
) -> Booking:
    """Cancel the patient's own appointment, up to the hub's cut-off before it."""
    _check_own(by, booking, cancel_cutoff)
    return decide_then(
        by,
        booking.patient,
        Purpose.BOOK,
        action=Action.BOOKING_CANCEL,
        obj=booking,
        then=lambda: cancel_locked(
            by=by, booking=booking, reason=CANCELLED_ONLINE, expected_version=None
        ),
    )


def may_still_change(booking: Booking, cancel_cutoff: datetime.timedelta) -> bool:
    """Whether the patient may still cancel or move it online."""
    return (
        booking.status == Booking.Status.BOOKED and booking.start - cancel_cutoff > timezone.now()
    )


def _check_own(by: Actor, booking: Booking, cancel_cutoff: datetime.timedelta) -> None:
    if by.patient is None or booking.patient_id != by.patient.pk:
        raise BookingNotFound("No booking found.")
    if not may_still_change(booking, cancel_cutoff):
        hours = int(cancel_cutoff.total_seconds() // 3600)
        raise InvalidBookingChange(
            "You can no longer change this appointment online. "
            f"Online changes close {hours} hours before. Call the practice instead."
            if hours
            else "You can no longer change this appointment online. Call the practice instead."
        )


def _limit(most: int) -> OnlineLimitReached:
    return OnlineLimitReached(
        f"You already have {most} appointments booked online. "
        "Cancel one, or wait until after it, to book another."
    )


def _integrity(error: IntegrityError, most: int | None) -> Exception:
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    if constraint == LIMIT_CONSTRAINT:
        return _limit(most or 0)
    return SlotTaken("Someone has just booked this time. Choose another.")
