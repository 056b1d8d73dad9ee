"""Break-glass: emergency access to one patient, after a password step-up, for an hour,
always reviewed by the patient's practice."""

import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from core.metrics import BREAK_GLASS, count_on_commit
from governance.access.purposes import Basis
from governance.actions import Action
from governance.alerts import create_alert
from governance.audit import Actor, record_event
from governance.exceptional import patient_to_open
from governance.models import (
    Alert,
    BreakGlass,
)
from governance.permissions import Perm, has_org_permission
from practices.models import Organisation

# The session key under which a search that found no one leaves the NHS number it looked
# for, so that breaking glass need not ask for it again (and it never goes in an address).
SEARCHED_NHS_NUMBER = "break_glass_searched_nhs_number"

BREAK_GLASS_MINUTES = getattr(settings, "BREAK_GLASS_MINUTES", 60)


def _require(actor: Actor, perm: Perm) -> Organisation:
    """The acting organisation, if the actor's role there holds `perm`."""
    organisation = actor.membership.organisation if actor.membership else None
    if not has_org_permission(actor.user, perm, organisation):
        raise PermissionDenied("Your role does not allow this.")
    return organisation


# Break-glass -----------------------------------------------------------------------------


class StepUpLockedOut(PermissionDenied):
    """Too many wrong passwords from this user at this address, when signing in or when
    confirming their password: the sign-in throttle holds for both."""


def _confirm_password(*, by: Actor, request: HttpRequest, password: str, action: str) -> None:
    """Check the password through the sign-in backends, so that django-axes counts a wrong
    one against the sign-in throttle and refuses anyone it has locked out. Each refusal is
    audited.

    Axes sees who and where from, never the form: it keeps the request's data with each
    failure, and this form names a patient."""
    probe = HttpRequest()
    probe.META = {key: value for key, value in request.META.items() if isinstance(value, str)}
    probe.method, probe.path, probe.path_info = request.method, request.path, request.path_info
    user = authenticate(probe, username=by.user.get_username(), password=password)
    if getattr(probe, "axes_locked_out", False):
        record_event(
            actor=by,
            action=action,
            outcome="denied",
            reason="locked out after too many wrong passwords",
        )
        raise StepUpLockedOut("Too many wrong passwords.")
    if user is None or user.pk != by.user.pk:
        record_event(actor=by, action=action, outcome="denied", reason="password not confirmed")
        raise ValidationError({"password": "That password is not right."})


def break_glass(
    *,
    by: Actor,
    request: HttpRequest,
    nhs_number: str,
    password: str,
    reason_code: str,
    reason: str,
) -> BreakGlass:
    """Emergency access to one patient: step-up (the password again), a reason, a time
    limit, and an alert to the patient's practice IG lead that names no patient.

    The patient is looked up only after the step-up, so nobody learns whether an NHS number
    exists without re-entering their password and leaving an audit event. Wrong passwords
    count towards the sign-in throttle (from `request`'s address), and someone locked out
    there is locked out here: StepUpLockedOut. Refusals are audited in their own
    transactions, so they stand although the caller sees an error."""
    organisation = _require(by, Perm.BREAK_GLASS)
    _confirm_password(by=by, request=request, password=password, action=Action.BREAK_GLASS_STEP_UP)
    if reason_code not in BreakGlass.Reason.values:
        raise ValidationError({"reason_code": "Choose why you need access."})
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": "Say in a sentence why you need to see this record."})
    patient = patient_to_open(by=by, nhs_number=nhs_number, action=Action.BREAK_GLASS)
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
        create_alert(
            patient.registered_practice,
            Alert.Kind.BREAK_GLASS,
            f"Break-glass access by {by.user.get_full_name()} of {organisation.name} needs review.",
            event.public_id,
        )
        record_event(
            actor=by,
            action=Action.BREAK_GLASS,
            patient=patient,
            obj=event,
            basis=Basis.BREAK_GLASS,
            reason=reason_code,
        )
        count_on_commit(BREAK_GLASS)
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
        actor=by, action=Action.BREAK_GLASS_REVIEW, patient=event.patient, obj=event, reason=outcome
    )
    return event
