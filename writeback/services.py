"""What people do about write-back: send a refused or abandoned change again, mark one
entered by hand, and switch a practice's link to its clinical system on or off."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from booking.changes import Change
from booking.errors import InvalidBookingChange
from booking.models import Booking
from governance.actions import Action
from governance.audit import Actor, record_event
from governance.permissions import Perm, org_permissions
from practices.models import ClinicalSystemLink, Organisation
from writeback.delivery import update_booking
from writeback.models import WriteBackMessage
from writeback.outbox import hand_to_worker, set_booking_state, write_change

State = WriteBackMessage.State
Operation = WriteBackMessage.Operation


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
        update_booking(message)
        record_event(
            actor=by,
            action=Action.WRITE_BACK_RETRY,
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
            set_booking_state(booking, Booking.WriteBack.ENTERED)
        record_event(
            actor=by,
            action=Action.WRITE_BACK_ENTERED,
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
            action=Action.LINK_ON if enabled else Action.LINK_OFF,
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
        sent += write_change(by=by, booking=booking, change=Change.BOOKED) is not None
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
