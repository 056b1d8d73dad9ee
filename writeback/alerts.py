"""Telling people about write-back problems: an audit event, and an alert to the practice
and to the organisation that booked, in words that name no patient; closed once none of
the booking's write-backs needs a person."""

import logging

from django.urls import reverse

from booking.models import Booking
from core.time import short_day_and_time
from governance.actions import Action
from governance.alerts import raise_alert, resolve_alerts
from governance.audit import Actor, record_event
from governance.models import Alert
from governance.selectors import WRITE_BACK_ALERT_KINDS
from writeback.models import WriteBackMessage

logger = logging.getLogger(__name__)

State = WriteBackMessage.State
Operation = WriteBackMessage.Operation

PROBLEM_ACTIONS = {
    State.CONFLICT: Action.WRITE_BACK_CONFLICT,
    State.FAILED: Action.WRITE_BACK_FAILED,
    State.DEAD: Action.WRITE_BACK_DEAD,
}


def raise_problem(message: WriteBackMessage) -> None:
    """Tell the hub and the practice: the audit trail records it, an alert goes to both
    organisations, and the practice system problems list shows it to both until someone acts."""
    booking = message.booking
    logger.warning(
        "Write-back %s of booking %s ended %s: %s",
        message.get_operation_display().lower(),
        booking.public_id,
        message.state,
        message.last_error,
    )
    record_event(
        actor=Actor.system(),
        action=PROBLEM_ACTIONS[message.state],
        patient=booking.patient,
        obj=booking,
        reason=f"{message.operation}:{message.last_error}",
    )
    raise_alert(
        organisations=(booking.slot.practice, booking.booking_organisation),
        kind=(
            Alert.Kind.WRITE_BACK_CONFLICT
            if message.state == State.CONFLICT
            else Alert.Kind.WRITE_BACK_FAILED
        ),
        message=_alert_message(message),
        reference=booking.public_id,
        link=reverse("writeback:problems"),
    )


_CHANGE = {
    Operation.BOOK: "A booking",
    Operation.CANCEL: "A cancellation",
    Operation.AMEND: "A change to a booking",
}


def _alert_message(message: WriteBackMessage) -> str:
    """What happened, in words that name no patient: the appointment's time and practice."""
    booking = message.booking
    practice = booking.slot.practice.name
    when = short_day_and_time(booking.start)
    if message.state == State.CONFLICT:
        return (
            f"{practice} filled the {when} slot in its own system, but "
            f"{booking.booking_organisation.name} had booked it in Hub Diary. Move the patient "
            "to another slot from the practice system problems list."
        )
    why = (
        "the practice system refused it"
        if message.state == State.FAILED
        else "Hub Diary gave up after repeated failures"
    )
    return (
        f"{_CHANGE[message.operation]} for {when} at {practice} did not reach the practice "
        f"system: {why}. See the practice system problems list."
    )


def settle(booking: Booking) -> None:
    """Once none of a booking's write-backs needs a person, its alerts are closed."""
    open_exceptions = WriteBackMessage.objects.filter(
        booking=booking,
        state__in=WriteBackMessage.PROBLEM_STATES,
        resolved_at__isnull=True,
    )
    if not open_exceptions.exists():
        resolve_alerts(reference=booking.public_id, kinds=WRITE_BACK_ALERT_KINDS)
