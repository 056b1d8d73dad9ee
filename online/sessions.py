"""Signing a patient in and out of the patient area's own session."""

from django.http import HttpRequest
from django.utils import timezone

from governance.actions import Action
from governance.audit import Actor, record_event
from online.middleware import ACCOUNT_KEY
from online.models import PatientAccount


def sign_in(request: HttpRequest, account: PatientAccount, *, how: str) -> None:
    """A new session key (no fixation), the account in it, and an audit event."""
    request.session.cycle_key()
    request.session[ACCOUNT_KEY] = str(account.public_id)
    request.patient_account = account
    account.last_signed_in_at = timezone.now()
    account.save(update_fields=["last_signed_in_at"])
    record_event(
        actor=Actor.for_patient(Actor.from_request(request), account),
        action=Action.ONLINE_SIGN_IN,
        patient=account.patient,
        reason=how,
    )


def sign_out(request: HttpRequest) -> None:
    request.session.flush()
    request.patient_account = None
