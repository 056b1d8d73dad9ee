"""Break-glass and a claimed care relationship open a patient that no rule lets the user
see, found by the NHS number the user has in front of them. Both refuse in the same two
ways, each refusal audited on its own so that it stands although the caller sees an error."""

from django.core.exceptions import ValidationError

from governance.actions import Action
from governance.audit import Actor, record_event
from patients.models import Patient
from patients.nhs_number import normalise_nhs_number
from patients.selectors import patient_with_nhs_number


def patient_to_open(*, by: Actor, nhs_number: str, action: Action) -> Patient:
    """The patient with this NHS number, unless there is none or their record is sensitive
    (held by their own practice only, never opened this way)."""
    patient = patient_with_nhs_number(normalise_nhs_number(nhs_number))
    if patient is None:
        record_event(actor=by, action=action, outcome="denied", reason="no such patient")
        raise ValidationError({"nhs_number": "No patient in Hub Diary has this NHS number."})
    if patient.is_sensitive:
        record_event(
            actor=by, action=action, patient=patient, outcome="denied", reason="sensitive record"
        )
        raise ValidationError(
            "This record is held only by the patient's own practice. Contact the practice directly."
        )
    return patient
