"""Delivering the outbox: claim one message, make one attempt at the practice system, and
record what happened to the message and the booking (ADR 0002).

The claim and the record are short transactions; the practice system is called between
them, outside any. A message whose attempt may have reached the practice system (a
timeout, a dropped answer, a worker that died) is "in doubt": its next attempt looks before
it writes (`writeback.reconciliation`). Messages for one slot go in the order written.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from booking.models import Booking
from core.metrics import WRITE_BACK_OUTCOMES, count_on_commit
from practices.clinical_systems import links
from practices.clinical_systems.base import (
    AppointmentRequest,
    ClinicalSystem,
    ClinicalSystemError,
    NotFound,
    OutcomeUnknown,
    Rejected,
    Requester,
    SlotConflict,
)
from practices.models import ClinicalSystemLink
from writeback import alerts
from writeback.models import WriteBackMessage
from writeback.outbox import NEVER_WRITTEN
from writeback.policy import EARLY_TOLERANCE, LINK_OFF_RECHECK, SWEEP_GRACE, RetryPolicy
from writeback.reconciliation import Attempt, attempt_at

logger = logging.getLogger(__name__)

State = WriteBackMessage.State
Operation = WriteBackMessage.Operation

# What the booking shows once a message ends.
BOOKING_STATE = {
    State.PENDING: Booking.WriteBack.PENDING,
    State.DELIVERING: Booking.WriteBack.PENDING,
    State.CONFIRMED: Booking.WriteBack.CONFIRMED,
    State.CONFLICT: Booking.WriteBack.CONFLICT,
    State.FAILED: Booking.WriteBack.FAILED,
    State.DEAD: Booking.WriteBack.FAILED,
    State.MANUAL: Booking.WriteBack.MANUAL,
}


@dataclass(frozen=True)
class Outcome:
    state: str
    retry_in: float | None = None  # seconds, when the message waits for another attempt
    release: tuple[int, ...] = ()  # messages for the same slot that may now go


def attempt_delivery(
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
        external_id = attempt_at(system, claimed)
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
    return _record(claimed, State.CONFIRMED, external_id=external_id, policy=policy)


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
        message.in_doubt = state != State.CONFIRMED and (doubt or attempt.reconcile_first)
        if state == State.PENDING:
            retry_in = max(policy.delay(attempt.number), 0.0)
            message.next_attempt_at = now + datetime.timedelta(seconds=retry_in)
        else:
            message.next_attempt_at = None
        message.confirmed_at = now if state == State.CONFIRMED else None
        message.save()
        update_booking(message)
        _update_link(attempt.link_id, now=now, error=error if state != State.CONFIRMED else "")
        if state in (State.CONFLICT, State.DEAD, State.FAILED):
            alerts.raise_problem(message)
        elif state == State.CONFIRMED and failed_before:
            alerts.settle(message.booking)
        release = ()
        if state != State.PENDING:
            release = _next_in_line(message)
        count_on_commit(WRITE_BACK_OUTCOMES, outcome="retry" if state == State.PENDING else state)
    return Outcome(state, retry_in=retry_in, release=release)


def update_booking(message: WriteBackMessage) -> None:
    """The booking shows its latest message's state, or pending while any is open. A
    cancellation or amendment with nothing to do leaves the booking as its booking left it."""
    messages = WriteBackMessage.objects.filter(booking_id=message.booking_id)
    if messages.filter(state__in=WriteBackMessage.OPEN_STATES).exists():
        state = Booking.WriteBack.PENDING
    else:
        latest = (
            messages.exclude(~Q(operation=Operation.BOOK), state=State.CONFIRMED, external_id="")
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
