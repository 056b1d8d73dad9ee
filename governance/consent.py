"""Recording a patient's word on sharing, audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from governance.actions import Action
from governance.audit import Actor, record_event
from governance.models import (
    Consent,
)
from governance.permissions import Perm, has_org_permission
from patients.models import Patient
from practices.models import Organisation


def _require(actor: Actor, perm: Perm) -> Organisation:
    """The acting organisation, if the actor's role there holds `perm`."""
    organisation = actor.membership.organisation if actor.membership else None
    if not has_org_permission(actor.user, perm, organisation):
        raise PermissionDenied("Your role does not allow this.")
    return organisation


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
        action=Action.CONSENT_RECORD,
        patient=patient,
        obj=consent,
        reason=f"{scope}:{state}:{method}",
    )
    return consent
