"""Writing the outbox: the message for each change to a booking, in the change's own
transaction, handed to a worker once it commits (ADR 0002).

Booking announces its changes (`booking.changes`); this module listens. A lost hand-over
(the broker down) only delays a message: the sweep finds it by its due time.
"""

import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone

from booking.changes import Change
from booking.models import Booking
from governance.alerts import resolve_alerts
from governance.audit import Actor
from governance.selectors import WRITE_BACK_ALERT_KINDS
from practices.models import ClinicalSystemLink, Organisation
from writeback.models import WriteBackMessage

logger = logging.getLogger(__name__)

State = WriteBackMessage.State
Operation = WriteBackMessage.Operation

# The delivery task, by name: the outbox enqueues it without importing the tasks module.
DELIVER_TASK = "writeback.deliver_write_back"

# A book message in these states never left an appointment in the practice system.
NEVER_WRITTEN = (State.CONFLICT, State.FAILED)


def enabled_link(practice: Organisation) -> ClinicalSystemLink | None:
    """The practice's link if it is on. Read with the practice (select_related
    "clinical_system_link", as booking does), this costs no query."""
    try:
        link = practice.clinical_system_link
    except ClinicalSystemLink.DoesNotExist:
        return None
    return link if link.enabled else None


def write_change(*, by: Actor, booking: Booking, change: Change) -> WriteBackMessage | None:
    """Write the message for a change to `booking`, in the caller's transaction, and hand it
    to a worker once that transaction commits.

    A booking is written back only if its practice's link is on and the slot is one the
    practice system holds (imported, with its id); a cancellation or an amendment only if
    the booking itself was (and the practice system may hold it). A booking into a slot
    published in Hub Diary alone, at a practice whose link is on, cannot be written by GP
    Connect: it goes to the worklist for a person to enter by hand, and so do its later
    cancellation and changes once it has been entered (ADR 0003)."""
    operation = Operation(change.value)
    book = None
    if operation != Operation.BOOK:
        book = (
            WriteBackMessage.objects.filter(booking=booking, operation=Operation.BOOK)
            .order_by("-id")
            .first()
        )
    if operation == Operation.CANCEL:
        _settle_problems(booking, by)
    if operation == Operation.BOOK:
        if enabled_link(booking.slot.practice) is None:
            return None
        if not booking.slot.external_id:
            return _for_hand_entry(by=by, booking=booking, operation=operation)
    elif book is not None and book.state == State.MANUAL:
        if book.resolved_at is None:
            # Never entered: a cancellation leaves nothing to undo, and the entry still to be
            # made shows the booking's details as they are now.
            if operation == Operation.CANCEL:
                set_booking_state(booking, Booking.WriteBack.NOT_LINKED)
            return None
        return _for_hand_entry(by=by, booking=booking, operation=operation)
    elif book is None or book.state in NEVER_WRITTEN:
        return None
    message = WriteBackMessage.objects.create(
        booking=booking,
        operation=operation,
        next_attempt_at=timezone.now(),
        requested_by=by.user,
        requesting_organisation=_requesting_organisation(by, booking),
    )
    set_booking_state(booking, Booking.WriteBack.PENDING)
    transaction.on_commit(lambda: hand_to_worker(message.pk), robust=True)
    return message


def _requesting_organisation(by: Actor, booking: Booking):
    """Who asks the practice system for the change: the acting organisation, or for a patient
    booking online, the hub they booked through."""
    return by.membership.organisation if by.membership else booking.booking_organisation


def _for_hand_entry(*, by: Actor, booking: Booking, operation: str) -> WriteBackMessage:
    """A change for a person to make in the practice system: it waits in the worklist until
    someone marks it done. An amendment already waiting to be entered covers a later one."""
    waiting = WriteBackMessage.objects.filter(
        booking=booking, operation=operation, state=State.MANUAL, resolved_at__isnull=True
    ).first()
    if waiting is not None and operation == Operation.AMEND:
        return waiting
    message = WriteBackMessage.objects.create(
        booking=booking,
        operation=operation,
        state=State.MANUAL,
        next_attempt_at=None,
        requested_by=by.user,
        requesting_organisation=_requesting_organisation(by, booking),
    )
    set_booking_state(booking, Booking.WriteBack.MANUAL)
    return message


def set_booking_state(booking: Booking, state: str) -> None:
    Booking.objects.filter(pk=booking.pk).update(write_back=state)
    booking.write_back = state


def _settle_problems(booking: Booking, by: Actor) -> None:
    """Cancelling a booking settles its open problems, and the alerts they raised: there is
    nothing more to write."""
    WriteBackMessage.objects.filter(
        booking=booking, state__in=WriteBackMessage.PROBLEM_STATES, resolved_at__isnull=True
    ).update(resolved_by=by.user, resolved_at=timezone.now())
    resolve_alerts(reference=booking.public_id, kinds=WRITE_BACK_ALERT_KINDS)


def hand_to_worker(message_id: int) -> bool:
    """Enqueue delivery. A broker outage only delays it: the sweep finds the message."""
    try:
        current_app.send_task(DELIVER_TASK, (message_id,), retry=False)
    except Exception:  # the broker is down or unreachable: the sweep will deliver it
        logger.warning("Write-back %s not enqueued; the sweep will deliver it", message_id)
        return False
    return True
