"""Write-back: the outbox that carries bookings, cancellations and amendments to the practice's
own clinical system, and what each attempt's outcome does to the message and the booking.

The booking services call `enqueue_write_back` inside their own transaction, so a change and
its message commit together; `transaction.on_commit` then hands the message id to Celery, and
a beat job sweeps any message whose hand-over was lost. `deliver_write_back` claims one
message under a row lock, talks to the practice system outside any transaction, and records
what happened. GP Connect has no idempotency key, so an attempt that follows one whose
outcome is unknown (a timeout, a dropped response, a worker that died mid-call) first looks
for our appointment in the practice system, recognised by our booking reference, and only
then books again. A refusal that says nothing was done (503) needs no such look.

Messages for one slot are delivered in the order they were written: a cancellation waits
for the booking it cancels, and a new booking into a freed slot waits for the cancellation
that freed it.

A message that needs a person (a conflict, a refusal, retries given up) raises an alert to
the practice and to the organisation that booked, closed once the booking's write-backs are
settled. A booking into a slot published in Hub Diary alone, at a practice whose link is on,
is never sent: GP Connect cannot create the slot, so it waits in the worklist for someone
to enter it by hand (ADR 0003).
"""

import contextlib
import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from booking.errors import InvalidBookingChange
from booking.models import Booking, WriteBackMessage
from governance.audit import Actor, record_event
from governance.models import Alert
from governance.permissions import Perm, org_permissions
from governance.selectors import WRITE_BACK_ALERT_KINDS
from governance.services import raise_alert, resolve_alerts
from practices.clinical_systems import links
from practices.clinical_systems.base import (
    AppointmentRequest,
    ClinicalSystem,
    ClinicalSystemError,
    NotFound,
    OutcomeUnknown,
    PracticeAppointment,
    Rejected,
    Requester,
    SlotConflict,
)
from practices.models import ClinicalSystemLink, Organisation

logger = logging.getLogger(__name__)

State = WriteBackMessage.State
Operation = WriteBackMessage.Operation

# What the booking shows once a message ends.
BOOKING_STATE = {
    State.PENDING: Booking.WriteBack.PENDING,
    State.DELIVERING: Booking.WriteBack.PENDING,
    State.DELIVERED: Booking.WriteBack.CONFIRMED,
    State.CONFLICT: Booking.WriteBack.CONFLICT,
    State.FAILED: Booking.WriteBack.FAILED,
    State.DEAD: Booking.WriteBack.FAILED,
    State.MANUAL: Booking.WriteBack.MANUAL,
}
# A book message in these states never left an appointment in the practice system.
NEVER_WRITTEN = (State.CONFLICT, State.FAILED)
# While a practice's link is off, its messages wait and are looked at again this often.
LINK_OFF_RECHECK = datetime.timedelta(minutes=10)
# Grace after the due time before the sweep steps in for the task enqueued on commit.
SWEEP_GRACE = datetime.timedelta(seconds=5)
# A retried task may arrive a moment before its message is due.
EARLY_TOLERANCE = datetime.timedelta(seconds=1)


def enabled_link(practice: Organisation) -> ClinicalSystemLink | None:
    """The practice's link if it is on. Read with the practice (select_related
    "clinical_system_link", as booking does), this costs no query."""
    try:
        link = practice.clinical_system_link
    except ClinicalSystemLink.DoesNotExist:
        return None
    return link if link.enabled else None


# Writing messages ------------------------------------------------------------------------


def enqueue_write_back(*, by: Actor, booking: Booking, operation: str) -> WriteBackMessage | None:
    """Write the message for a change to `booking`, in the caller's transaction, and hand it
    to a worker once that transaction commits.

    A booking is written back only if its practice's link is on and the slot is one the
    practice system holds (imported, with its id); a cancellation or an amendment only if
    the booking itself was (and the practice system may hold it). A booking into a slot
    published in Hub Diary alone, at a practice whose link is on, cannot be written by GP
    Connect: it goes to the worklist for a person to enter by hand, and so do its later
    cancellation and changes once it has been entered (ADR 0003)."""
    book = None
    if operation != Operation.BOOK:
        book = (
            WriteBackMessage.objects.filter(booking=booking, operation=Operation.BOOK)
            .order_by("-id")
            .first()
        )
    if operation == Operation.CANCEL:
        _resolve_exceptions(booking, by)
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
                _set_booking_state(booking, Booking.WriteBack.NOT_LINKED)
            return None
        return _for_hand_entry(by=by, booking=booking, operation=operation)
    elif book is None or book.state in NEVER_WRITTEN:
        return None
    message = WriteBackMessage.objects.create(
        booking=booking,
        operation=operation,
        next_attempt_at=timezone.now(),
        requested_by=by.user,
        requesting_organisation=by.membership.organisation,
    )
    _set_booking_state(booking, Booking.WriteBack.PENDING)
    transaction.on_commit(lambda: hand_to_worker(message.pk), robust=True)
    return message


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
        requesting_organisation=by.membership.organisation,
    )
    _set_booking_state(booking, Booking.WriteBack.MANUAL)
    return message


def _set_booking_state(booking: Booking, state: str) -> None:
    Booking.objects.filter(pk=booking.pk).update(write_back=state)
    booking.write_back = state


def _resolve_exceptions(booking: Booking, by: Actor) -> None:
    """Cancelling a booking settles its open exceptions, and the alerts they raised: there is
    nothing more to write."""
    WriteBackMessage.objects.filter(
        booking=booking, state__in=WriteBackMessage.EXCEPTION_STATES, resolved_at__isnull=True
    ).update(resolved_by=by.user, resolved_at=timezone.now())
    resolve_alerts(reference=booking.public_id, kinds=WRITE_BACK_ALERT_KINDS)


def hand_to_worker(message_id: int) -> bool:
    """Enqueue delivery. A broker outage only delays it: the sweep finds the message."""
    from booking.tasks import deliver_write_back as deliver_write_back_task

    try:
        deliver_write_back_task.apply_async((message_id,), retry=False)
    except Exception:  # the broker is down or unreachable: the sweep will deliver it
        logger.warning("Write-back %s not enqueued; the sweep will deliver it", message_id)
        return False
    return True


# Delivering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    delay: Callable[[int], float]  # seconds to wait after the given attempt failed
    lease: datetime.timedelta  # longer than any one delivery can take


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


@dataclass(frozen=True)
class Outcome:
    state: str
    retry_in: float | None = None  # seconds, when the message waits for another attempt
    release: tuple[int, ...] = ()  # messages for the same slot that may now go


@dataclass(frozen=True)
class _Done:
    external_id: str


def deliver_write_back(
    *,
    message_id: int,
    policy: RetryPolicy,
    system_for: Callable[[ClinicalSystemLink], ClinicalSystem] | None = None,
) -> Outcome:
    """Claim the message, make one attempt, record the outcome."""
    claimed = claim_write_back(message_id=message_id, lease=policy.lease)
    if not isinstance(claimed, Attempt):
        return claimed
    link = ClinicalSystemLink.objects.get(pk=claimed.link_id)
    try:
        system = (system_for or links.clinical_system_for)(link)
        done = _attempt(system, claimed)
    except SlotConflict as error:
        if claimed.operation == Operation.BOOK:
            return _record(claimed, State.CONFLICT, error=_describe(error), policy=policy)
        return _record(claimed, State.FAILED, error=_describe(error), policy=policy)
    except Rejected as error:
        return _record(claimed, State.FAILED, error=_describe(error), policy=policy)
    except NotFound as error:
        # The appointment has gone from the practice system: amending it cannot succeed.
        return _record(claimed, State.FAILED, error=_describe(error), policy=policy)
    except OutcomeUnknown as error:
        return _record(claimed, State.PENDING, error=_describe(error), policy=policy, doubt=True)
    except ClinicalSystemError as error:
        state = State.PENDING if error.retryable else State.FAILED
        return _record(claimed, state, error=_describe(error), policy=policy)
    except Exception as error:  # a bug or an unmapped network error: never drop the message
        logger.exception("Write-back %s failed unexpectedly", message_id)
        return _record(claimed, State.PENDING, error=_describe(error), policy=policy, doubt=True)
    return _record(claimed, State.DELIVERED, external_id=done.external_id, policy=policy)


def claim_write_back(*, message_id: int, lease: datetime.timedelta) -> "Attempt | Outcome":
    """Lock the message (skipping it if another worker holds it), check it is due and first
    in line for its slot, and mark it delivering for `lease`."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            WriteBackMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "booking__patient",
                "booking__slot__practice",
                "booking__booking_organisation",
                "requested_by",
                "requesting_organisation",
            )
            .filter(pk=message_id)
            .first()
        )
        if message is None:
            return Outcome("busy")
        due = message.next_attempt_at is not None and (
            (message.state == State.PENDING and message.next_attempt_at <= now + EARLY_TOLERANCE)
            or (message.state == State.DELIVERING and message.next_attempt_at <= now)
        )
        if not due:
            return Outcome(message.state)
        booking = message.booking
        link = ClinicalSystemLink.objects.filter(practice=booking.slot.practice_id).first()
        if link is None or not link.enabled:
            _wait(message, until=now + LINK_OFF_RECHECK)
            return Outcome("link-off")
        if WriteBackMessage.objects.filter(
            booking__slot_id=booking.slot_id,
            id__lt=message.pk,
            state__in=WriteBackMessage.OPEN_STATES,
        ).exists():
            return Outcome("waiting")
        # A delivery still marked delivering here outlived its lease: its worker died.
        reconcile_first = message.in_doubt or message.state == State.DELIVERING
        book = None
        if message.operation != Operation.BOOK:
            book = (
                WriteBackMessage.objects.filter(booking=booking, operation=Operation.BOOK)
                .order_by("-id")
                .first()
            )
        message.state = State.DELIVERING
        message.attempts += 1
        message.next_attempt_at = now + lease
        message.in_doubt = True  # until this attempt's outcome is recorded
        message.save(
            update_fields=["state", "attempts", "in_doubt", "next_attempt_at", "updated_at"]
        )
    return Attempt(
        message_id=message.pk,
        number=message.attempts,
        operation=message.operation,
        link_id=link.pk,
        practice_ods=booking.slot.practice.ods_code,
        requester=_requester(message),
        request=_request(booking),
        reconcile_first=reconcile_first,
        external_id=message.external_id or (book.external_id if book else ""),
        book_never_written=book is not None and book.state in NEVER_WRITTEN,
        cancellation_reason=booking.cancellation_reason,
    )


def _wait(message: WriteBackMessage, *, until: datetime.datetime) -> None:
    message.next_attempt_at = until
    message.save(update_fields=["next_attempt_at", "updated_at"])


def _requester(message: WriteBackMessage) -> Requester:
    user, organisation = message.requested_by, message.requesting_organisation
    return Requester(
        organisation_ods=organisation.ods_code,
        organisation_name=organisation.name,
        user_id=str(user.public_id),
        user_name=user.get_full_name() or user.get_username(),
    )


def _request(booking: Booking) -> AppointmentRequest:
    patient, slot = booking.patient, booking.slot
    return AppointmentRequest(
        practice_ods=slot.practice.ods_code,
        slot_external_id=slot.external_id,
        start=booking.start,
        end=booking.end,
        patient_nhs_number=patient.nhs_number,
        patient_given_name=patient.given_name,
        patient_family_name=patient.family_name,
        patient_birth_date=patient.date_of_birth,
        description=booking.description,
        comment=booking.comment,
        reference=str(booking.public_id),
        booking_organisation_ods=booking.booking_organisation.ods_code,
        booking_organisation_name=booking.booking_organisation.name,
        booking_organisation_phone=booking.booking_organisation.phone,
    )


def _attempt(system: ClinicalSystem, attempt: Attempt) -> _Done:
    if attempt.operation == Operation.BOOK:
        return _book(system, attempt)
    if attempt.operation == Operation.CANCEL:
        return _cancel(system, attempt)
    return _amend(system, attempt)


def _book(system: ClinicalSystem, attempt: Attempt) -> _Done:
    if attempt.reconcile_first:
        ours = _find_ours(system, attempt)
        if ours is not None:
            return _Done(ours.external_id)
    appointment = system.book(requester=attempt.requester, request=attempt.request)
    return _Done(appointment.external_id)


def _cancel(system: ClinicalSystem, attempt: Attempt) -> _Done:
    external_id = attempt.external_id
    if not external_id:
        if attempt.book_never_written:
            return _Done("")  # the booking never reached the practice: nothing to cancel
        ours = _find_ours(system, attempt, include_cancelled=True)
        if ours is None:
            return _Done("")
        external_id = ours.external_id
    if attempt.reconcile_first:
        try:
            current = system.read(
                requester=attempt.requester,
                practice_ods=attempt.practice_ods,
                external_id=external_id,
            )
        except NotFound:
            return _Done(external_id)
        if current.status == "cancelled":
            return _Done(external_id)
    with contextlib.suppress(NotFound):  # already gone from the practice system
        system.cancel(
            requester=attempt.requester,
            practice_ods=attempt.practice_ods,
            external_id=external_id,
            reason=attempt.cancellation_reason or "Cancelled in Hub Diary",
        )
    return _Done(external_id)


def _amend(system: ClinicalSystem, attempt: Attempt) -> _Done:
    external_id = attempt.external_id
    if not external_id:
        if attempt.book_never_written:
            return _Done("")  # nothing in the practice system to amend
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
    return _Done(external_id)


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


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:300]


def _record(
    attempt: Attempt,
    state: str,
    *,
    policy: RetryPolicy,
    external_id: str = "",
    error: str = "",
    doubt: bool = False,
) -> Outcome:
    """Write the attempt's outcome, unless the message was taken back from us meanwhile.
    `doubt`: the attempt may have changed the practice system without our knowing."""
    now = timezone.now()
    retry_in = None
    if state == State.PENDING and attempt.number >= policy.max_attempts:
        state = State.DEAD
    with transaction.atomic():
        message = (
            WriteBackMessage.objects.select_for_update(of=("self",))
            .select_related("booking")
            .get(pk=attempt.message_id)
        )
        if message.state != State.DELIVERING or message.attempts != attempt.number:
            logger.warning("Write-back %s was taken back before it was recorded", message.pk)
            return Outcome("superseded")
        # Only a message that failed before can have raised an alert to settle now.
        failed_before = bool(message.last_error)
        message.state = state
        message.last_error = error
        message.external_id = external_id or message.external_id
        # Doubt lasts until an attempt settles what the practice system holds.
        message.in_doubt = state != State.DELIVERED and (doubt or attempt.reconcile_first)
        if state == State.PENDING:
            retry_in = max(policy.delay(attempt.number), 0.0)
            message.next_attempt_at = now + datetime.timedelta(seconds=retry_in)
        else:
            message.next_attempt_at = None
        message.delivered_at = now if state == State.DELIVERED else None
        message.save()
        _update_booking(message)
        _update_link(attempt.link_id, now=now, error=error if state != State.DELIVERED else "")
        if state in (State.CONFLICT, State.DEAD, State.FAILED):
            _raise(message)
        elif state == State.DELIVERED and failed_before:
            _settle_alerts(message.booking)
        release = ()
        if state != State.PENDING:
            release = _next_in_line(message)
    return Outcome(state, retry_in=retry_in, release=release)


def _update_booking(message: WriteBackMessage) -> None:
    """The booking shows its latest message's state, or pending while any is open. A
    cancellation or amendment with nothing to do leaves the booking as its booking left it."""
    messages = WriteBackMessage.objects.filter(booking_id=message.booking_id)
    if messages.filter(state__in=WriteBackMessage.OPEN_STATES).exists():
        state = Booking.WriteBack.PENDING
    else:
        latest = (
            messages.exclude(~Q(operation=Operation.BOOK), state=State.DELIVERED, external_id="")
            .order_by("-id")
            .first()
        )
        state = BOOKING_STATE[(latest or message).state]
    Booking.objects.filter(pk=message.booking_id).update(write_back=state)


def _update_link(link_id: int, *, now: datetime.datetime, error: str) -> None:
    links_ = ClinicalSystemLink.objects.filter(pk=link_id)
    if error:
        links_.update(last_error=error, last_error_at=now)
    else:
        # Every delivery touching one row would serialise them: a few seconds' accuracy do.
        links_.filter(
            Q(last_success_at__isnull=True) | Q(last_success_at__lt=now - SWEEP_GRACE)
        ).update(last_success_at=now)


def _raise(message: WriteBackMessage) -> None:
    """Tell the hub and the practice: the audit trail records it, an alert goes to both
    organisations, and the sync-exceptions worklist shows it to both until someone acts."""
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
        action=f"write-back.{message.state}",
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
    when = _when(booking.start)
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


def _when(moment: datetime.datetime) -> str:
    """Like "Tue 4 Mar, 6:45pm", in UK time."""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{local:%a} {local.day} {local:%b}, {hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def _settle_alerts(booking: Booking) -> None:
    """Once none of a booking's write-backs needs a person, its alerts are closed."""
    open_exceptions = WriteBackMessage.objects.filter(
        booking=booking,
        state__in=WriteBackMessage.EXCEPTION_STATES,
        resolved_at__isnull=True,
    )
    if not open_exceptions.exists():
        resolve_alerts(reference=booking.public_id, kinds=WRITE_BACK_ALERT_KINDS)


def _next_in_line(message: WriteBackMessage) -> tuple[int, ...]:
    """The message for the same slot that waited for this one, if any."""
    successor = (
        WriteBackMessage.objects.filter(
            booking__slot_id=message.booking.slot_id,
            id__gt=message.pk,
            state=State.PENDING,
        )
        .order_by("id")
        .values_list("pk", flat=True)
        .first()
    )
    return (successor,) if successor else ()


# The sweep -------------------------------------------------------------------------------


def due_write_backs(*, limit: int = 500) -> list[int]:
    """Messages whose hand-over was lost (pending and overdue) or whose worker died
    (delivering past its lease). Enqueuing one twice is harmless: the claim decides."""
    now = timezone.now()
    return list(
        WriteBackMessage.objects.filter(
            Q(state=State.PENDING, next_attempt_at__lte=now - SWEEP_GRACE)
            | Q(state=State.DELIVERING, next_attempt_at__lte=now)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


# The worklist's actions ------------------------------------------------------------------


def _require_booking_staff(by: Actor, message: WriteBackMessage) -> None:
    organisation = by.membership.organisation if by.membership else None
    booking = message.booking
    if organisation is None or organisation.pk not in (
        booking.booking_organisation_id,
        booking.slot.practice_id,
    ):
        raise PermissionDenied("This is not your organisation's booking.")
    if Perm.BOOK_FOR_PATIENTS not in org_permissions(by.user, organisation):
        raise PermissionDenied("Your role does not book appointments.")


def retry_write_back(*, by: Actor, message: WriteBackMessage) -> WriteBackMessage:
    """Send a dead or refused message again, once its cause has been fixed."""
    _require_booking_staff(by, message)
    with transaction.atomic():
        message = (
            WriteBackMessage.objects.select_for_update(of=("self",))
            .select_related("booking__slot", "booking__patient")
            .get(pk=message.pk)
        )
        if message.state not in (State.DEAD, State.FAILED) or message.resolved_at is not None:
            raise InvalidBookingChange(
                "Only a write-back that gave up or was refused can be tried again."
            )
        if message.operation != Operation.CANCEL and not message.booking.is_live:
            raise InvalidBookingChange("The booking has been cancelled: there is nothing to send.")
        # A fresh run of attempts; `in_doubt` still says whether to look first.
        message.state = State.PENDING
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
        _update_booking(message)
        record_event(
            actor=by,
            action="write-back.retry",
            patient=message.booking.patient,
            obj=message.booking,
            reason=message.operation,
        )
        transaction.on_commit(lambda: hand_to_worker(message.pk), robust=True)
    return message


def mark_entered_by_hand(*, by: Actor, message: WriteBackMessage) -> WriteBackMessage:
    """Someone has made the change in the practice system by hand: it leaves the worklist,
    and the booking shows it is there."""
    _require_booking_staff(by, message)
    with transaction.atomic():
        message = (
            WriteBackMessage.objects.select_for_update(of=("self",))
            .select_related("booking__patient")
            .get(pk=message.pk)
        )
        if message.state != State.MANUAL or message.resolved_at is not None:
            raise InvalidBookingChange(
                "Only a change waiting to be entered by hand can be marked as entered."
            )
        message.resolved_by, message.resolved_at = by.user, timezone.now()
        message.save(update_fields=["resolved_by", "resolved_at", "updated_at"])
        booking = message.booking
        if not WriteBackMessage.objects.filter(
            booking=booking, state=State.MANUAL, resolved_at__isnull=True
        ).exists():
            _set_booking_state(booking, Booking.WriteBack.ENTERED)
        record_event(
            actor=by,
            action="write-back.entered-by-hand",
            patient=booking.patient,
            obj=booking,
            reason=message.operation,
        )
    return message


def switch_clinical_system_link(
    *, by: Actor, practice: Organisation, enabled: bool
) -> ClinicalSystemLink:
    """The practice manager turns the practice's link on or off. Turning it on sends what
    waited while it was off, and the bookings made meanwhile."""
    organisation = by.membership.organisation if by.membership else None
    if organisation is None or organisation.pk != practice.pk:
        raise PermissionDenied("Only the practice's own staff may switch its link.")
    if Perm.MANAGE_STAFF not in org_permissions(by.user, practice) or not practice.is_practice:
        raise PermissionDenied("Only the practice manager may switch the practice's link.")
    with transaction.atomic():
        link = ClinicalSystemLink.objects.select_for_update().get(practice=practice)
        if link.enabled == enabled:
            return link
        link.enabled = enabled
        link.switched_by, link.switched_at = by.user, timezone.now()
        link.save(update_fields=["enabled", "switched_by", "switched_at", "updated_at"])
        record_event(
            actor=by,
            action="clinical-system-link.on" if enabled else "clinical-system-link.off",
            obj=link,
        )
        if enabled:
            waiting = list(
                WriteBackMessage.objects.filter(
                    booking__slot__practice=practice, state=State.PENDING
                ).values_list("pk", flat=True)
            )
            WriteBackMessage.objects.filter(pk__in=waiting).update(next_attempt_at=timezone.now())
            transaction.on_commit(lambda: [hand_to_worker(pk) for pk in waiting], robust=True)
            _send_bookings_made_while_off(by, practice)
            _surface_hand_entries(by, practice)
    return link


def _send_bookings_made_while_off(by: Actor, practice: Organisation) -> int:
    """Bookings still to come in slots the practice system holds, made while the link was
    off, were never sent: they are written back now, like any new booking."""
    missed = (
        Booking.objects.filter(
            slot__practice=practice, status=Booking.Status.BOOKED, start__gt=timezone.now()
        )
        .exclude(slot__external_id="")
        .exclude(write_back_messages__operation=Operation.BOOK)
        .select_related("slot__practice__clinical_system_link")
    )
    sent = 0
    for booking in missed:
        sent += enqueue_write_back(by=by, booking=booking, operation=Operation.BOOK) is not None
    return sent


def _surface_hand_entries(by: Actor, practice: Organisation) -> int:
    """Bookings still to come in slots published in Hub Diary alone are not in the practice
    system, and GP Connect cannot put them there: each goes to the worklist to be entered by
    hand, unless it is there already."""
    surfaced = list(
        Booking.objects.filter(
            slot__practice=practice,
            slot__external_id="",
            status=Booking.Status.BOOKED,
            start__gt=timezone.now(),
        )
        .exclude(write_back_messages__operation=Operation.BOOK)
        .values_list("pk", flat=True)
    )
    WriteBackMessage.objects.bulk_create(
        WriteBackMessage(
            booking_id=booking_id,
            operation=Operation.BOOK,
            state=State.MANUAL,
            requested_by=by.user,
            requesting_organisation=by.membership.organisation,
        )
        for booking_id in surfaced
    )
    Booking.objects.filter(pk__in=surfaced).update(write_back=Booking.WriteBack.MANUAL)
    return len(surfaced)
