"""Booking, cancelling, rebooking and recording what happened, safely under concurrency.

Every change runs in one transaction that locks the session row (so release rules and
quotas are checked and acted on atomically), relies on the database's one-live-booking-
per-slot constraint as the last word, and writes its audit event. A version number guards
against two people overwriting each other; an idempotency key makes a retried request book
once.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone

from booking import releases
from booking.changes import Change, announce
from booking.errors import (
    BookingChanged,
    IdempotencyKeyReused,
    InvalidBookingChange,
    SlotNotBookable,
    SlotTaken,
)
from booking.models import Booking, ReleaseRule, Session, Slot
from booking.selectors import nearest_alternatives
from core.db import insert_row, prepared_cursor
from governance.access import Decision, Purpose, decide, evaluate, record_decision
from governance.audit import Actor, record_event
from governance.permissions import Perm, has_org_permission
from patients.models import Patient

CHANNEL_FOR_KIND = {
    "hub": Booking.Channel.HUB,
    "urgent-care": Booking.Channel.URGENT_CARE,
    "gp-practice": Booking.Channel.PRACTICE,
}

# Which status a booking may move to from which.
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


def _require_booking_role(actor: Actor) -> None:
    if actor.membership is None or Perm.BOOK_FOR_PATIENTS not in actor.permissions:
        raise PermissionDenied("Your role does not book appointments.")


def _allowed_for_patient(actor: Actor, patient: Patient, action: str, obj=None) -> Decision:
    decision = decide(actor, patient, Purpose.BOOK, action=action, obj=obj)
    if not decision:
        raise Http404("No patient found.")
    return decision


def may_override_rules(*, by: Actor, slot: Slot) -> bool:
    """Whether `by` may book past a slot's embargo, cut-off or quota, with a reason: only
    someone who runs the sessions of the practice that owns the slot (a hub receptionist,
    say, who also works there). The practice's own rules are its staff's to set aside."""
    return has_org_permission(by.user, Perm.MANAGE_SESSIONS, slot.practice)


def book_slot(
    *,
    by: Actor,
    slot: Slot,
    patient: Patient,
    description: str = "",
    comment: str = "",
    idempotency_key: str | None = None,
    override_reason: str = "",
) -> Booking:
    """Book `patient` into `slot` for the acting organisation.

    Raises SlotTaken (with the nearest alternatives), SlotNotBookable (the release rules say
    no, with their reason), IdempotencyKeyReused, Http404 (no basis to book this patient).
    """
    _require_booking_role(by)
    if idempotency_key:
        earlier = Booking.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return _replay(earlier, by=by, slot=slot, patient=patient)
    # The access decision is audited with the booking it allows, in its transaction (one
    # event, not two); a refusal is audited on its own.
    decision = evaluate(by, patient, Purpose.BOOK)
    if not decision:
        record_decision(by, patient, Purpose.BOOK, decision, action="booking.create", obj=slot)
        raise Http404("No patient found.")
    try:
        with transaction.atomic():
            booking = _book_locked(
                by=by,
                decision=decision,
                slot=slot,
                patient=patient,
                description=description,
                comment=comment,
                idempotency_key=idempotency_key,
                override_reason=override_reason,
            )
    except IntegrityError as error:
        if idempotency_key and Booking.objects.filter(idempotency_key=idempotency_key).exists():
            return _replay(
                Booking.objects.get(idempotency_key=idempotency_key),
                by=by,
                slot=slot,
                patient=patient,
            )
        raise _taken(by, slot) from error
    return booking


def _replay(earlier: Booking, *, by: Actor, slot: Slot, patient: Patient) -> Booking:
    if earlier.slot_id != slot.pk or earlier.patient_id != patient.pk:
        raise IdempotencyKeyReused(
            "This request key was already used for a different booking. Start a new booking."
        )
    return earlier


def _taken(by: Actor, slot: Slot) -> SlotTaken:
    return SlotTaken(
        "Someone has just booked this slot. Choose another.",
        alternatives=nearest_alternatives(actor=by, slot=slot),
    )


def _book_locked(
    *,
    by: Actor,
    decision: Decision,
    slot: Slot,
    patient: Patient,
    description: str,
    comment: str,
    idempotency_key: str | None,
    override_reason: str,
) -> Booking:
    organisation = by.membership.organisation
    # The slot's row lock orders everything that changes it (block, cancel a session,
    # book); its session and rules are read as committed. Quotas take their own lock.
    session, rules = _lock_slot(slot)
    if session.status != Session.Status.PUBLISHED or slot.status != Slot.Status.FREE:
        if slot.status == Slot.Status.BOOKED:
            raise _taken(by, slot)
        raise SlotNotBookable("This slot is no longer available.", reason_code="not-free")
    override = bool(override_reason.strip()) and may_override_rules(by=by, slot=slot)
    verdict = releases.may_book(
        slot=slot,
        session=session,
        organisation=organisation,
        now=timezone.now(),
        override=override,
        rules=rules,
    )
    if not verdict.allowed:
        raise SlotNotBookable(verdict.reason, reason_code=verdict.code)
    overridden = verdict.overridden is not None  # the rule that was set aside, if any
    booking = Booking(
        slot=slot,
        patient=patient,
        booking_organisation=organisation,
        booked_by=by.user,
        channel=CHANNEL_FOR_KIND.get(organisation.kind, Booking.Channel.HUB),
        description=description[:100],
        comment=comment[:500],
        idempotency_key=idempotency_key,
        rule_override_reason=override_reason.strip()[:500] if overridden else "",
        clinician_id=slot.clinician_id,
        start=slot.start,
        end=slot.end,
    )
    # The hottest write there is: the booking and its slot's status in one statement.
    slot.status, slot.updated_at = Slot.Status.BOOKED, timezone.now()
    marked = [slot.status, connection.ops.adapt_datetimefield_value(slot.updated_at), slot.pk]
    insert_row(booking, along_with=(_MARK_SLOT, marked))
    announce(by=by, booking=booking, change=Change.BOOKED)
    record_decision(
        by,
        patient,
        Purpose.BOOK,
        decision,
        action="booking.create",
        obj=booking,
        reason=f"override:{verdict.overridden}" if overridden else "",
    )
    if overridden:
        record_event(
            actor=by,
            action="booking.rule-override",
            patient=patient,
            obj=booking,
            reason=str(verdict.overridden),
        )
    return booking


def _lock_slot(slot: Slot) -> tuple[Session, list[ReleaseRule]]:
    """Lock the slot's row and read again what may have changed since it was loaded: its
    status, its session's and the session's release rules. The rest of a slot never changes
    once it is published, so the slot as loaded (with its practice and session, as
    get_slot_for_booking_or_404 reads it) serves. One statement."""
    statement = _LOCK_SLOT + (
        " FOR UPDATE OF s" if connection.features.has_select_for_update else ""
    )
    with prepared_cursor() as cursor:
        cursor.execute(statement, [slot.pk])
        rows = cursor.fetchall()
    if not rows:  # its session was deleted since
        raise SlotNotBookable("This slot is no longer available.", reason_code="not-free")
    slot.status, session_status = rows[0][:2]
    session = slot.session
    session.status = session_status
    rules = [releases.rule_from_row(session.pk, row[2:]) for row in rows if row[2] is not None]
    return session, rules


_LOCK_SLOT = f"""
SELECT s.status, sch.status, {", ".join(f"r.{column}" for column in releases.RULE_COLUMNS)}
FROM booking_slot s
JOIN booking_session sch ON sch.id = s.session_id
LEFT JOIN booking_releaserule r ON r.session_id = s.session_id
WHERE s.id = %s
ORDER BY r.id
"""  # noqa: S608 (our columns)


_MARK_SLOT = "UPDATE booking_slot SET status = %s, updated_at = %s WHERE id = %s"


def _lock_for_change(booking: Booking, expected_version: int | None) -> Booking:
    locked = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
    if expected_version is not None and locked.version != expected_version:
        raise BookingChanged(
            "Someone else changed this booking a moment ago. Check it and try again."
        )
    return locked


def _may_manage(by: Actor, booking: Booking) -> None:
    """The booking organisation and the practice that owns the slot may change a booking."""
    _require_booking_role(by)
    organisation = by.membership.organisation
    if organisation.pk not in (booking.booking_organisation_id, booking.slot.practice_id):
        raise Http404("No booking found.")


def cancel_booking(
    *, by: Actor, booking: Booking, reason: str, expected_version: int | None = None
) -> Booking:
    _may_manage(by, booking)
    _allowed_for_patient(by, booking.patient, "booking.cancel", obj=booking)
    if not reason.strip():
        raise InvalidBookingChange("Give a reason for cancelling.")
    with transaction.atomic():
        booking = _cancel_locked(
            by=by, booking=booking, reason=reason, expected_version=expected_version
        )
    return booking


def _cancel_locked(
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
    record_event(
        actor=by,
        action="booking.cancel",
        patient=booking.patient,
        obj=booking,
        purpose=Purpose.BOOK,
    )
    return booking


def rebook(
    *, by: Actor, booking: Booking, new_slot: Slot, reason: str, expected_version: int | None = None
) -> Booking:
    """Cancel and book again as one step: either both happen or neither."""
    _may_manage(by, booking)
    decision = _allowed_for_patient(by, booking.patient, "booking.rebook", obj=booking)
    try:
        with transaction.atomic():
            _cancel_locked(
                by=by,
                booking=booking,
                reason=reason or "Rebooked",
                expected_version=expected_version,
            )
            new_booking = _book_locked(
                by=by,
                decision=decision,
                slot=new_slot,
                patient=booking.patient,
                description=booking.description,
                comment=booking.comment,
                idempotency_key=None,
                override_reason="",
            )
    except IntegrityError as error:
        raise _taken(by, new_slot) from error
    return new_booking


DESCRIPTION_MAX = 100
COMMENT_MAX = 500


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
    _may_manage(by, booking)
    _allowed_for_patient(by, booking.patient, "booking.amend", obj=booking)
    description, comment = description.strip(), comment.strip()
    _check_details(description, comment)
    with transaction.atomic():
        booking = _lock_for_change(booking, expected_version)
        if booking.status != Booking.Status.BOOKED or booking.start <= timezone.now():
            raise InvalidBookingChange("Only an appointment that is still to come can be changed.")
        if (booking.description, booking.comment) == (description, comment):
            return booking  # nothing to change, nothing to tell the practice
        booking.description, booking.comment = description, comment
        booking.version += 1
        booking.save(update_fields=["description", "comment", "version", "updated_at"])
        announce(by=by, booking=booking, change=Change.AMENDED)
        record_event(
            actor=by,
            action="booking.amend",
            patient=booking.patient,
            obj=booking,
            purpose=Purpose.BOOK,
        )
    return booking


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
    _may_manage(by, booking)
    _allowed_for_patient(by, booking.patient, f"booking.{status}", obj=booking)
    with transaction.atomic():
        booking = _lock_for_change(booking, expected_version)
        if status not in TRANSITIONS.get(booking.status, set()):
            raise InvalidBookingChange(
                f"A booking that is {booking.get_status_display().lower()} cannot become "
                f"{Booking.Status(status).label.lower()}."
            )
        if status != Booking.Status.BOOKED and booking.start > timezone.now() + _EARLY:
            raise InvalidBookingChange("This appointment has not started yet.")
        booking.status = status
        booking.version += 1
        booking.save(update_fields=["status", "version", "updated_at"])
        record_event(
            actor=by,
            action=f"booking.{status}",
            patient=booking.patient,
            obj=booking,
            purpose=Purpose.BOOK,
        )
    return booking


_EARLY = datetime.timedelta(hours=2)  # patients arrive early; sessions run late
