"""The patient a booking page is for, carried between pages by public id."""

from django.http import HttpRequest

from core.ids import validate_uuid
from governance.access import Purpose, get_patient_or_404
from governance.actions import Action
from governance.audit import Actor
from patients.models import Patient


def chosen_patient(request: HttpRequest, value: str | None) -> Patient | None:
    """The patient named by `value`, through the access decision (audited; 404 without a
    basis to book for them), or None when no patient has been chosen yet."""
    public_id = validate_uuid(value) if value else None
    if public_id is None:
        return None
    return get_patient_or_404(
        Actor.from_request(request), public_id, Purpose.BOOK, action=Action.BOOKING_PATIENT
    )
