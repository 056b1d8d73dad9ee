"""Registering patients and changing their details, audited."""

from django.db import transaction

from governance.actions import Action
from governance.audit import Actor, record_event
from patients.models import Patient
from practices.models import Organisation

PATIENT_FIELDS = (
    "nhs_number",
    "title",
    "given_name",
    "family_name",
    "date_of_birth",
    "gender",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "mobile",
    "email",
    "is_sensitive",
)


def _apply(patient: Patient, values: dict) -> None:
    unknown = set(values) - set(PATIENT_FIELDS)
    if unknown:
        raise TypeError(f"Unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        setattr(patient, name, value)


@transaction.atomic
def register_patient(*, by: Actor, practice: Organisation, **values) -> Patient:
    patient = Patient(registered_practice=practice)
    _apply(patient, values)
    patient.full_clean()
    patient.save()
    record_event(actor=by, action=Action.PATIENT_REGISTER, patient=patient, obj=patient)
    return patient


@transaction.atomic
def update_patient(*, by: Actor, patient: Patient, **values) -> Patient:
    """Change registered details. The caller has decided access (MANAGE_REGISTRATION)."""
    _apply(patient, values)
    patient.full_clean()
    patient.save()
    record_event(actor=by, action=Action.PATIENT_UPDATE, patient=patient, obj=patient)
    return patient
