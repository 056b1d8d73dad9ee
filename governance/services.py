"""Changes to consent, sharing agreements, honorary access and break-glass. Every one is
audited; none is cached anywhere, so each takes effect on the very next request."""

import datetime
from collections.abc import Iterable
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance.audit import Actor, record_event
from governance.models import (
    AccessGrant,
    Alert,
    BreakGlass,
    Consent,
    SharingAgreement,
)
from governance.permissions import Perm, has_org_permission, sync_membership_permissions
from patients.models import Patient
from patients.nhs_number import normalise_nhs_number
from patients.selectors import patient_with_nhs_number
from practices.models import ROLES_BY_KIND, Membership, Organisation

BREAK_GLASS_MINUTES = getattr(settings, "BREAK_GLASS_MINUTES", 60)
AGREEMENT_REMINDER_DAYS = 30


def _require(actor: Actor, perm: Perm) -> Organisation:
    organisation = actor.membership.organisation if actor.membership else None
    if not has_org_permission(actor.user, perm, organisation):
        raise PermissionDenied("Your role does not allow this.")
    return organisation


def _alert(organisation: Organisation, kind: str, message: str, reference) -> Alert:
    return Alert.objects.create(
        organisation=organisation, kind=kind, message=message, reference=reference
    )


def raise_alert(
    *, organisations: Iterable[Organisation], kind: str, message: str, reference: UUID
) -> list[Alert]:
    """Alert each organisation about `reference`, unless an alert of this kind about it is
    open there already. `message` must name no patient: alerts are shown and sent safely."""
    raised = []
    for organisation in {o.pk: o for o in organisations}.values():
        open_already = Alert.objects.filter(
            organisation=organisation, kind=kind, reference=reference, resolved_at__isnull=True
        ).exists()
        if not open_already:
            raised.append(_alert(organisation, kind, message[:300], reference))
    return raised


def resolve_alerts(*, reference: UUID, kinds: Iterable[str]) -> int:
    """Close the open alerts of these kinds about `reference`, wherever they were raised."""
    return Alert.objects.filter(
        reference=reference, kind__in=list(kinds), resolved_at__isnull=True
    ).update(resolved_at=timezone.now())


# Consent ---------------------------------------------------------------------------------


@transaction.atomic
def record_consent(*, by: Actor, patient: Patient, scope: str, state: str, method: str) -> Consent:
    """Record the patient's word. The caller has already been allowed to see the patient."""
    organisation = _require(by, Perm.RECORD_CONSENT)
    consent = Consent(
        patient=patient,
        scope=scope,
        state=state,
        method=method,
        recorded_by=by.user,
        recorded_by_organisation=organisation,
        recorded_at=timezone.now(),
    )
    consent.full_clean()
    consent.save()
    record_event(
        actor=by,
        action="consent.record",
        patient=patient,
        obj=consent,
        reason=f"{scope}:{state}:{method}",
    )
    return consent


# Sharing agreements ----------------------------------------------------------------------


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
    """Either side may propose; the other side accepts."""
    organisation = _require(by, Perm.MANAGE_AGREEMENTS)
    if organisation not in (practice, partner):
        raise PermissionDenied("You can only propose agreements your organisation is part of.")
    if not practice.is_practice:
        raise ValidationError({"practice": "The sharing side must be a GP practice."})
    if practice == partner:
        raise ValidationError({"partner": "Choose another organisation."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    if SharingAgreement.objects.filter(
        practice=practice,
        partner=partner,
        scope=scope,
        status__in=[SharingAgreement.Status.PROPOSED, SharingAgreement.Status.ACTIVE],
    ).exists():
        raise ValidationError("There is already a live agreement between these two for this scope.")
    agreement = SharingAgreement.objects.create(
        practice=practice,
        partner=partner,
        scope=scope,
        starts_on=starts_on,
        ends_on=ends_on,
        proposed_by=by.user,
        proposed_by_organisation=organisation,
    )
    other = partner if organisation == practice else practice
    _alert(
        other,
        Alert.Kind.AGREEMENT_PROPOSED,
        f"{organisation.name} proposes sharing for {agreement.get_scope_display().lower()}.",
        agreement.public_id,
    )
    record_event(actor=by, action="agreement.propose", obj=agreement, reason=scope)
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
    record_event(actor=by, action=f"agreement.{verb}", obj=agreement, reason=agreement.scope)
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
    agreement.status = SharingAgreement.Status.ENDED
    agreement.ended_by, agreement.ended_at = by.user, timezone.now()
    agreement.save()
    # A withdrawn proposal or an ended agreement leaves nothing for either side to act on.
    Alert.objects.filter(reference=agreement.public_id, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    record_event(actor=by, action="agreement.end", obj=agreement, reason=agreement.scope)
    return agreement


def send_agreement_reminders(*, today: datetime.date | None = None) -> int:
    """Alert both sides of each active agreement that ends within AGREEMENT_REMINDER_DAYS,
    once per agreement. Returns how many agreements were reminded of."""
    today = today or timezone.localdate()
    due = SharingAgreement.objects.filter(
        status=SharingAgreement.Status.ACTIVE,
        reminder_sent_on__isnull=True,
        ends_on__gte=today,
        ends_on__lte=today + datetime.timedelta(days=AGREEMENT_REMINDER_DAYS),
    ).select_related("practice", "partner")
    count = 0
    for agreement in due:
        with transaction.atomic():
            message = (
                f"Sharing for {agreement.get_scope_display().lower()} between "
                f"{agreement.practice.name} and {agreement.partner.name} ends on "
                f"{agreement.ends_on:%-d %B %Y}. Renew it to keep sharing."
            )
            for side in (agreement.practice, agreement.partner):
                _alert(side, Alert.Kind.AGREEMENT_EXPIRING, message, agreement.public_id)
            agreement.reminder_sent_on = today
            agreement.save(update_fields=["reminder_sent_on", "updated_at"])
        count += 1
    return count


# Honorary access -------------------------------------------------------------------------


@transaction.atomic
def grant_access(
    *,
    by: Actor,
    user,
    role: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    reason: str,
) -> AccessGrant:
    """Give a named user a role at the granting organisation between two times."""
    organisation = _require(by, Perm.GRANT_ACCESS)
    if role not in ROLES_BY_KIND.get(organisation.kind, frozenset()):
        raise ValidationError({"role": "That role does not exist at this kind of organisation."})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "The end must be after the start."})
    if ends_at <= timezone.now():
        raise ValidationError({"ends_at": "The end must be in the future."})
    existing = Membership.objects.filter(user=user, organisation=organisation).first()
    if existing and existing.is_active and existing.ends_at is None:
        raise ValidationError({"user": "They already work here; change their role instead."})
    if existing and existing.is_active and existing.ends_at and existing.ends_at > timezone.now():
        # One grant per membership at a time, so revoking one never cuts another short.
        raise ValidationError(
            {
                "user": "They already have honorary access here until "
                f"{timezone.localtime(existing.ends_at):%-d %B %Y %H:%M}. "
                "Revoke it before giving new access."
            }
        )
    membership, _ = Membership.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={"role": role, "is_active": True, "starts_at": starts_at, "ends_at": ends_at},
    )
    sync_membership_permissions(user=user, organisation=organisation, role=role)
    grant = AccessGrant.objects.create(
        membership=membership,
        user=user,
        organisation=organisation,
        role=role,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        granted_by=by.user,
    )
    record_event(actor=by, action="grant.create", obj=grant, reason=role)
    return grant


@transaction.atomic
def revoke_access_grant(*, by: Actor, grant: AccessGrant) -> AccessGrant:
    organisation = _require(by, Perm.GRANT_ACCESS)
    if grant.organisation_id != organisation.pk:
        raise PermissionDenied("This grant is not your organisation's.")
    if grant.revoked_at is not None:
        raise ValidationError("This grant has already been revoked.")
    now = timezone.now()
    grant.revoked_by, grant.revoked_at = by.user, now
    grant.save()
    membership = grant.membership
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    sync_membership_permissions(user=grant.user, organisation=organisation, role=None)
    record_event(actor=by, action="grant.revoke", obj=grant)
    return grant


def expire_access_grants(*, now: datetime.datetime | None = None) -> int:
    """Tidy the permissions of memberships whose dates have passed. Access already stops at
    `ends_at` without this (every check reads the dates); this keeps the tables honest."""
    now = now or timezone.now()
    expired = Membership.objects.filter(is_active=True, ends_at__lte=now).select_related(
        "user", "organisation"
    )
    count = 0
    for membership in expired:
        with transaction.atomic():
            membership.is_active = False
            membership.save(update_fields=["is_active", "updated_at"])
            sync_membership_permissions(
                user=membership.user, organisation=membership.organisation, role=None
            )
        count += 1
    return count


# Break-glass -----------------------------------------------------------------------------


def break_glass(
    *, by: Actor, nhs_number: str, password: str, reason_code: str, reason: str
) -> BreakGlass:
    """Emergency access to one patient: step-up (the password again), a reason, a time
    limit, and an alert to the patient's practice IG lead that names no patient.

    The patient is looked up only after the step-up, so nobody learns whether an NHS number
    exists without re-entering their password and leaving an audit event. Refusals are
    audited in their own transactions, so they stand although the caller sees an error."""
    organisation = _require(by, Perm.BREAK_GLASS)
    if not by.user.check_password(password):
        record_event(
            actor=by,
            action="break-glass.step-up",
            outcome="denied",
            reason="password not confirmed",
        )
        raise ValidationError({"password": "That password is not right."})
    if reason_code not in BreakGlass.Reason.values:
        raise ValidationError({"reason_code": "Choose why you need access."})
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": "Say in a sentence why you need to see this record."})
    patient = patient_with_nhs_number(normalise_nhs_number(nhs_number))
    if patient is None:
        record_event(actor=by, action="break-glass", outcome="denied", reason="no such patient")
        raise ValidationError({"nhs_number": "No patient in Hub Diary has this NHS number."})
    if patient.is_sensitive:
        record_event(
            actor=by,
            action="break-glass",
            patient=patient,
            outcome="denied",
            reason="sensitive record",
        )
        raise ValidationError(
            "This record is held only by the patient's own practice. Contact the practice directly."
        )
    now = timezone.now()
    with transaction.atomic():
        event = BreakGlass.objects.create(
            user=by.user,
            organisation=organisation,
            patient=patient,
            reason_code=reason_code,
            reason=reason.strip(),
            started_at=now,
            expires_at=now + datetime.timedelta(minutes=BREAK_GLASS_MINUTES),
        )
        _alert(
            patient.registered_practice,
            Alert.Kind.BREAK_GLASS,
            f"Break-glass access by {by.user.get_full_name()} of {organisation.name} needs review.",
            event.public_id,
        )
        record_event(
            actor=by,
            action="break-glass",
            patient=patient,
            obj=event,
            basis="break-glass",
            reason=reason_code,
        )
    return event


@transaction.atomic
def review_break_glass(*, by: Actor, event: BreakGlass, outcome: str, note: str) -> BreakGlass:
    organisation = _require(by, Perm.REVIEW_ACCESS)
    event = BreakGlass.objects.select_for_update().select_related("patient").get(pk=event.pk)
    if event.patient.registered_practice_id != organisation.pk:
        raise PermissionDenied("Only the patient's practice reviews this.")
    if event.review != BreakGlass.Review.PENDING:
        raise ValidationError("This access has already been reviewed.")
    if outcome not in (BreakGlass.Review.APPROPRIATE, BreakGlass.Review.REFERRED):
        raise ValidationError({"outcome": "Choose whether the access was appropriate."})
    if outcome == BreakGlass.Review.REFERRED and not note.strip():
        raise ValidationError({"note": "Say why you are referring it for investigation."})
    event.review, event.review_note = outcome, note.strip()
    event.reviewed_by, event.reviewed_at = by.user, timezone.now()
    event.save()
    Alert.objects.filter(reference=event.public_id, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    record_event(
        actor=by, action="break-glass.review", patient=event.patient, obj=event, reason=outcome
    )
    return event
