"""Booking a slot, and moving a booking to another, safely under concurrency (managing a
booking once made is `managing`).

Every change runs in one transaction that locks the slot or booking row (so release rules
and quotas are checked and acted on atomically), relies on the database's one-live-booking-
per-slot constraint as the last word, and makes its access decision through governance's
door: the decision's audit event is the change's, committed with it or not at all, while a
refusal commits on its own before PatientNotFound is raised. A version number guards
against two people overwriting each other; an idempotency key makes a retried request book
once.
"""

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from booking.changes import Change, announce, moving
from booking.errors import (
    IdempotencyKeyReused,
    SlotNotBookable,
    SlotTaken,
)
from booking.models import Booking, ReleaseRule, Session, Slot
from booking.release_rules import stored
from booking.search import nearest_alternatives
from booking.services.managing import cancel_locked, may_manage, require_booking_role
from core.db import insert_row, prepared_cursor
from core.metrics import BOOKINGS, count_on_commit
from governance.access import PatientNotFound, Purpose, decide, decide_then
from governance.actions import Action
from governance.audit import Actor, record_event
from governance.models import AuditEvent
from governance.permissions import Perm, has_org_permission
from gpconnect.resources.appointment import COMMENT_MAX, DESCRIPTION_MAX
from patients.models import Patient
from patients.selectors import patient_with_nhs_number
from practices.models import Organisation

CHANNEL_FOR_KIND = {
    "hub": Booking.Channel.HUB,
    "urgent-care": Booking.Channel.A_AND_E,
    "out-of-hours": Booking.Channel.OUT_OF_HOURS,
    "nhs-111": Booking.Channel.NHS_111,
    "gp-practice": Booking.Channel.PRACTICE,
}


# Which status a booking may move to from which.
def may_override_rules(*, by: Actor, slot: Slot) -> bool:
    """Whether `by` may book past a slot's embargo, cut-off or quota, with a reason: only
    someone who runs the sessions of the practice that owns the slot (a hub receptionist,
    say, who also works there). The practice's own rules are its staff's to set aside."""
    return has_org_permission(by.user, Perm.MANAGE_SESSIONS, slot.practice)


def refusal_to_book(*, by: Actor, slot: Slot) -> SlotNotBookable | None:
    """Why the release rules refuse `by` this slot now, if they do: for a page that must say
    it again (say while the details of an override are put right)."""
    verdict = stored.check_booking(
        slot=slot, session=slot.session, organisation=by.membership.organisation, now=timezone.now()
    )
    return None if verdict.allowed else SlotNotBookable(verdict.reason, reason_code=verdict.code)


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
    no, with their reason), IdempotencyKeyReused, PatientNotFound (no basis to book this
    patient, exactly as if there were no such patient).
    """
    require_booking_role(by)
    if idempotency_key:
        earlier = Booking.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return _replay(earlier, by=by, slot=slot, patient=patient)
    try:
        with transaction.atomic():
            booking = book_locked(
                by=by,
                action=Action.BOOKING_CREATE,
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
    if booking is None:
        raise PatientNotFound("No patient found.")
    return booking


def book_slot_for_nhs_number(*, by: Actor, slot: Slot, nhs_number: str, **details) -> Booking:
    """`book_slot` for the patient with this (normalised) NHS number, as systems name them.
    A number with no patient is refused exactly as a patient the booker may not see, and
    audited too."""
    patient = patient_with_nhs_number(nhs_number)
    if patient is None:
        record_event(
            actor=by,
            action=Action.BOOKING_CREATE,
            outcome=AuditEvent.Outcome.DENIED,
            obj=slot,
            reason="no patient with this NHS number",
        )
        raise PatientNotFound("No patient found.")
    return book_slot(by=by, slot=slot, patient=patient, **details)


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


def book_locked(
    *,
    by: Actor,
    action: Action,
    slot: Slot,
    patient: Patient,
    description: str,
    comment: str,
    idempotency_key: str | None,
    override_reason: str,
    for_patient_online: Organisation | None = None,
) -> Booking | None:
    """Book in the caller's transaction; None when the access decision refuses (its event is
    then the transaction's only write, for the caller to commit). `for_patient_online`: the
    hub a patient books through for themselves, by the rules released to patients online."""
    organisation = for_patient_online or by.membership.organisation
    searcher = stored.PATIENT_ONLINE if for_patient_online else None
    # The slot's row lock orders everything that changes it (block, cancel a session,
    # book); its session and rules are read as committed. Quotas take their own lock.
    session, rules = _lock_slot(slot)
    override = bool(override_reason.strip()) and may_override_rules(by=by, slot=slot)
    verdict = stored.check_booking(
        slot=slot,
        session=session,
        organisation=organisation,
        now=timezone.now(),
        override=override,
        rules=rules,
        searcher=searcher,
    )
    overridden = verdict.overridden is not None  # the rule that was set aside, if any
    booking = Booking(
        slot=slot,
        patient=patient,
        booking_organisation=organisation,
        booked_by=by.user,
        channel=Booking.Channel.ONLINE
        if for_patient_online
        else CHANNEL_FOR_KIND.get(organisation.kind, Booking.Channel.HUB),
        description=description[:DESCRIPTION_MAX],
        comment=comment[:COMMENT_MAX],
        idempotency_key=idempotency_key,
        rule_override_reason=override_reason.strip()[:500] if overridden else "",
        clinician_id=slot.clinician_id,
        start=slot.start,
        end=slot.end,
    )
    # The patient first, whatever the slot's state: the decision is the booking's audit
    # event, and a refusal says nothing about the slot.
    decision = decide(
        by,
        patient,
        Purpose.BOOK,
        action=action,
        obj=booking,
        reason=f"override:{verdict.overridden}" if overridden else "",
    )
    if not decision:
        return None
    if session.status != Session.Status.PUBLISHED or slot.status != Slot.Status.FREE:
        if slot.status == Slot.Status.BOOKED:
            raise _taken(by, slot)
        raise SlotNotBookable("This slot is no longer available.", reason_code="not-free")
    if not verdict.allowed:
        raise SlotNotBookable(verdict.reason, reason_code=verdict.code)
    # The hottest write there is: the booking and its slot's status in one statement.
    slot.status, slot.updated_at = Slot.Status.BOOKED, timezone.now()
    marked = [slot.status, connection.ops.adapt_datetimefield_value(slot.updated_at), slot.pk]
    insert_row(booking, along_with=(_MARK_SLOT, marked))
    count_on_commit(BOOKINGS, channel=booking.channel)
    announce(by=by, booking=booking, change=Change.BOOKED)
    if overridden:
        record_event(
            actor=by,
            action=Action.BOOKING_RULE_OVERRIDE,
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
    rules = [stored.rule_from_row(session.pk, row[2:]) for row in rows if row[2] is not None]
    return session, rules


_LOCK_SLOT = f"""
SELECT s.status, sch.status, {", ".join(f"r.{column}" for column in stored.RULE_COLUMNS)}
FROM booking_slot s
JOIN booking_session sch ON sch.id = s.session_id
LEFT JOIN booking_releaserule r ON r.session_id = s.session_id
WHERE s.id = %s
ORDER BY r.id
"""  # noqa: S608 (our columns)


_MARK_SLOT = "UPDATE booking_slot SET status = %s, updated_at = %s WHERE id = %s"


def rebook(
    *, by: Actor, booking: Booking, new_slot: Slot, reason: str, expected_version: int | None = None
) -> Booking:
    """Cancel and book again as one step: either both happen or neither. The old slot is
    freed first, so a quota the old booking held is free for the new one."""
    may_manage(by, booking)

    def move() -> Booking:
        with moving(booking):
            return _move()

    def _move() -> Booking:
        cancel_locked(
            by=by, booking=booking, reason=reason or "Rebooked", expected_version=expected_version
        )
        moved = book_locked(
            by=by,
            action=Action.BOOKING_CREATE,
            slot=new_slot,
            patient=booking.patient,
            description=booking.description,
            comment=booking.comment,
            idempotency_key=None,
            override_reason="",
        )
        if moved is None:  # refused a moment after being allowed: roll the move back
            raise PatientNotFound("No patient found.")
        return moved

    try:
        return decide_then(
            by, booking.patient, Purpose.BOOK, action=Action.BOOKING_REBOOK, obj=booking, then=move
        )
    except IntegrityError as error:
        raise _taken(by, new_slot) from error
