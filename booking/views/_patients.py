"""The patient a booking page is for, carried between pages by public id."""

from django.http import HttpRequest

from booking.forms import validate_uuid
from governance.access import Purpose
from patients.models import Patient
from patients.selectors import get_patient_for_user_or_404


def chosen_patient(request: HttpRequest, value: str | None) -> Patient | None:
    """The patient named by `value`, through the access decision (audited; 404 without a
    basis to book for them), or None when no patient has been chosen yet."""
    public_id = validate_uuid(value) if value else None
    if public_id is None:
        return None
    return get_patient_for_user_or_404(
        request=request, public_id=public_id, purpose=Purpose.BOOK, action="booking.patient"
    )
