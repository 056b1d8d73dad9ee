"""Claiming a care relationship with a reason, and the patient's practice reviewing the
access that rested on care relationships: lighter than break-glass (no password step-up, a
day not an hour) and reviewed the same way."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from governance.access.purposes import Basis
from governance.actions import Action
from governance.alerts import raise_alert
from governance.audit import Actor, record_event
from governance.exceptional import patient_to_open
from governance.models import Alert, Relationship
from governance.permissions import Perm

CLAIM_HOURS = 24


def _organisation_for(actor: Actor, perm: Perm):
    if actor.membership is None or perm not in actor.permissions:
        raise PermissionDenied("Your role does not allow this.")
    return actor.membership.organisation


def claim_relationship(*, by: Actor, nhs_number: str, reason: str) -> Relationship:
    """Claim, for one day, a care relationship with a patient no agreement lets you see (the
    patient is in front of you). Audited, and sent to the patient's practice to review.
    Refusals are audited in their own transactions, so they stand although the caller sees
    an error; a sensitive record is never opened this way."""
    organisation = _organisation_for(by, Perm.BREAK_GLASS)
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": "Say in a sentence how you are caring for the patient."})
    patient = patient_to_open(by=by, nhs_number=nhs_number, action=Action.RELATIONSHIP_CLAIM)
    now = timezone.now()
    with transaction.atomic():
        relationship = Relationship.objects.create(
            organisation=organisation,
            user=by.user,
            patient=patient,
            kind=Relationship.Kind.SELF_CLAIMED,
            reason=reason.strip(),
            started_at=now,
            expires_at=now + datetime.timedelta(hours=CLAIM_HOURS),
        )
        raise_alert(
            organisations=[patient.registered_practice],
            kind=Alert.Kind.RELATIONSHIP,
            message=(
                f"{by.user.get_full_name()} of {organisation.name} claimed a care relationship "
                "with one of your patients. It needs review."
            ),
            reference=relationship.public_id,
        )
        record_event(
            actor=by,
            action=Action.RELATIONSHIP_CLAIM,
            patient=patient,
            obj=relationship,
            basis=Basis.SELF_CLAIMED,
            reason="claimed",
        )
    return relationship


@transaction.atomic
def review_relationship(
    *, by: Actor, relationship: Relationship, outcome: str, note: str
) -> Relationship:
    organisation = _organisation_for(by, Perm.REVIEW_ACCESS)
    relationship = (
        Relationship.objects.select_for_update().select_related("patient").get(pk=relationship.pk)
    )
    if relationship.patient.registered_practice_id != organisation.pk:
        raise PermissionDenied("Only the patient's practice reviews this.")
    if relationship.review != Relationship.Review.PENDING:
        raise ValidationError("This access has already been reviewed.")
    if outcome not in (Relationship.Review.APPROPRIATE, Relationship.Review.REFERRED):
        raise ValidationError({"outcome": "Select whether the access was appropriate."})
    if outcome == Relationship.Review.REFERRED and not note.strip():
        raise ValidationError({"note": "Say why you are referring it for investigation."})
    relationship.review, relationship.review_note = outcome, note.strip()
    relationship.reviewed_by, relationship.reviewed_at = by.user, timezone.now()
    relationship.save()
    Alert.objects.filter(reference=relationship.public_id, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    record_event(
        actor=by,
        action=Action.RELATIONSHIP_REVIEW,
        patient=relationship.patient,
        obj=relationship,
        reason=outcome,
    )
    return relationship
