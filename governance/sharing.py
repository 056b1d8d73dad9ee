"""Sharing agreements: proposed by either side, accepted or declined by the other, ended by
either, renewed without a gap, and reminders before they end. Every change is audited and
takes effect on the very next request."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance import selectors
from governance.actions import Action
from governance.alerts import create_alert, resolve_alerts
from governance.audit import Actor, record_event
from governance.models import (
    Alert,
    SharingAgreement,
)
from governance.permissions import Perm, has_org_permission
from governance.renewals import ONE_DAY
from practices.models import Organisation

AGREEMENT_REMINDER_DAYS = 30


def _require(actor: Actor, perm: Perm) -> Organisation:
    """The acting organisation, if the actor's role there holds `perm`."""
    organisation = actor.membership.organisation if actor.membership else None
    if not has_org_permission(actor.user, perm, organisation):
        raise PermissionDenied("Your role does not allow this.")
    return organisation


# Sharing agreements ----------------------------------------------------------------------


def _long_date(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def _overlap_message(existing: SharingAgreement, starts_on: datetime.date) -> str:
    message = (
        f"An agreement between these organisations for {existing.get_scope_display().lower()} "
        f"already covers {_long_date(existing.starts_on)} to {_long_date(existing.ends_on)}. "
        "Choose dates that do not overlap it"
    )
    if existing.starts_on <= starts_on and existing.ends_on < datetime.date.max:
        message += f": to renew it, start on {_long_date(existing.ends_on + ONE_DAY)}"
    return message + "."


def _remind_again(predecessor: SharingAgreement | None) -> None:
    """Close the reminders that `predecessor` is ending and let the next reminder run send
    afresh, pointing at the renewal as it now stands (proposed, accepted or gone)."""
    if predecessor is None:
        return
    resolve_alerts(reference=predecessor.public_id, kinds=[Alert.Kind.AGREEMENT_EXPIRING])
    if predecessor.reminder_sent_on is not None:
        predecessor.reminder_sent_on = None
        predecessor.save(update_fields=["reminder_sent_on", "updated_at"])


@transaction.atomic
def propose_agreement(
    *,
    by: Actor,
    practice: Organisation,
    partner: Organisation,
    scope: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> SharingAgreement:
    """Either side may propose; the other side accepts. A pair may hold several live
    agreements for one scope as long as no day is covered twice: a renewal is proposed
    while the current agreement runs, to start the day after it ends."""
    organisation = _require(by, Perm.MANAGE_AGREEMENTS)
    if organisation not in (practice, partner):
        raise PermissionDenied("You can only propose agreements your organisation is part of.")
    if not practice.is_practice:
        raise ValidationError({"practice": "The sharing side must be a GP practice."})
    if practice == partner:
        raise ValidationError({"partner": "Choose another organisation."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    overlapping = (
        selectors.live_agreements_between(practice, partner, scope)
        .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .first()
    )
    if overlapping is not None:
        raise ValidationError(_overlap_message(overlapping, starts_on))
    try:
        with transaction.atomic():
            agreement = SharingAgreement.objects.create(
                practice=practice,
                partner=partner,
                scope=scope,
                starts_on=starts_on,
                ends_on=ends_on,
                proposed_by=by.user,
                proposed_by_organisation=organisation,
            )
    except IntegrityError as error:
        # Someone proposed overlapping dates for the pair a moment ago (PostgreSQL's
        # exclusion constraint): say which, as the check above would have.
        overlapping = (
            selectors.live_agreements_between(practice, partner, scope)
            .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
            .first()
        )
        if overlapping is None:
            raise
        raise ValidationError(_overlap_message(overlapping, starts_on)) from error
    other = partner if organisation == practice else practice
    create_alert(
        other,
        Alert.Kind.AGREEMENT_PROPOSED,
        f"{organisation.name} proposes sharing for {agreement.get_scope_display().lower()}.",
        agreement.public_id,
    )
    # The reminders that the current agreement is ending now point at this renewal.
    _remind_again(selectors.predecessor_of(agreement))
    record_event(actor=by, action=Action.AGREEMENT_PROPOSE, obj=agreement, reason=scope)
    return agreement


def _other_side(agreement: SharingAgreement, organisation: Organisation) -> bool:
    return (
        organisation in (agreement.practice, agreement.partner)
        and organisation != agreement.proposed_by_organisation
    )


def accept_agreement(*, by: Actor, agreement: SharingAgreement) -> SharingAgreement:
    return _answer_proposal(by=by, agreement=agreement, accept=True)


def decline_agreement(*, by: Actor, agreement: SharingAgreement) -> SharingAgreement:
    return _answer_proposal(by=by, agreement=agreement, accept=False)


@transaction.atomic
def _answer_proposal(*, by: Actor, agreement: SharingAgreement, accept: bool) -> SharingAgreement:
    """The other side accepts or declines a proposal; its alerts are resolved either way."""
    verb = "accept" if accept else "decline"
    action = Action.AGREEMENT_ACCEPT if accept else Action.AGREEMENT_DECLINE
    organisation = _require(by, Perm.MANAGE_AGREEMENTS)
    agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if not _other_side(agreement, organisation):
        raise PermissionDenied(f"Only the other organisation can {verb} a proposal.")
    if agreement.status != SharingAgreement.Status.PROPOSED:
        raise ValidationError(f"Only a proposed agreement can be {verb}ed.")
    agreement.status = (
        SharingAgreement.Status.ACTIVE if accept else SharingAgreement.Status.DECLINED
    )
    agreement.decided_by, agreement.decided_at = by.user, timezone.now()
    agreement.save()
    Alert.objects.filter(reference=agreement.public_id, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    # A renewal accepted: no more reminders that its predecessor is ending. Declined: the
    # predecessor's reminder goes out again, asking for a renewal.
    _remind_again(selectors.predecessor_of(agreement))
    record_event(actor=by, action=action, obj=agreement, reason=agreement.scope)
    return agreement


@transaction.atomic
def end_agreement(*, by: Actor, agreement: SharingAgreement) -> SharingAgreement:
    """Either side may end an agreement; sharing stops with the next request."""
    organisation = _require(by, Perm.MANAGE_AGREEMENTS)
    agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if organisation not in (agreement.practice, agreement.partner):
        raise PermissionDenied("Your organisation is not part of this agreement.")
    if agreement.status not in (SharingAgreement.Status.ACTIVE, SharingAgreement.Status.PROPOSED):
        raise ValidationError("This agreement has already ended.")
    predecessor = selectors.predecessor_of(agreement)
    agreement.status = SharingAgreement.Status.ENDED
    agreement.ended_by, agreement.ended_at = by.user, timezone.now()
    agreement.save()
    # A withdrawn proposal or an ended agreement leaves nothing for either side to act on.
    Alert.objects.filter(reference=agreement.public_id, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    # Without its renewal, the agreement before it is ending again: remind both sides.
    _remind_again(predecessor)
    record_event(actor=by, action=Action.AGREEMENT_END, obj=agreement, reason=agreement.scope)
    return agreement


def send_agreement_reminders(*, today: datetime.date | None = None) -> int:
    """Alert both sides of each active agreement that ends within AGREEMENT_REMINDER_DAYS,
    once per agreement, unless its renewal has been accepted. A proposed renewal is what
    the reminder points at. Returns how many agreements were reminded of.

    Safe to run twice at once: each agreement is locked and checked again before sending."""
    today = today or timezone.localdate()
    due = SharingAgreement.objects.filter(
        status=SharingAgreement.Status.ACTIVE,
        reminder_sent_on__isnull=True,
        ends_on__gte=today,
        ends_on__lte=today + datetime.timedelta(days=AGREEMENT_REMINDER_DAYS),
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        with transaction.atomic():
            agreement = (
                SharingAgreement.objects.select_for_update(of=("self",))
                .select_related("practice", "partner")
                .filter(pk=pk, status=SharingAgreement.Status.ACTIVE, reminder_sent_on__isnull=True)
                .first()
            )
            if agreement is None:  # reminded, or ended, since the list was read
                continue
            renewal = selectors.successor_of(agreement)
            if renewal is not None and renewal.status == SharingAgreement.Status.ACTIVE:
                continue
            message = (
                f"Sharing for {agreement.get_scope_display().lower()} between "
                f"{agreement.practice.name} and {agreement.partner.name} ends on "
                f"{_long_date(agreement.ends_on)}."
            )
            if renewal is None:
                message += " Renew it to keep sharing."
                about = agreement.public_id
            else:
                answering = (
                    agreement.partner
                    if renewal.proposed_by_organisation_id == agreement.practice_id
                    else agreement.practice
                )
                message += (
                    f" A renewal from {_long_date(renewal.starts_on)} is waiting for an answer "
                    f"from {answering.name}."
                )
                about = renewal.public_id
            for side in (agreement.practice, agreement.partner):
                create_alert(side, Alert.Kind.AGREEMENT_EXPIRING, message[:300], about)
            agreement.reminder_sent_on = today
            agreement.save(update_fields=["reminder_sent_on", "updated_at"])
        count += 1
    return count
