"""Patients, and the Parameters of register a patient, to and from FHIR JSON."""

from datetime import date

import pytest

from gpconnect.errors import GPConnectError, SpineError
from gpconnect.resources.patient import Patient, parse_registration, registration_parameters


def test_registration_parameters_round_trip_and_need_a_birth_date():
    patient = Patient(
        nhs_number="9990000018", family="Lovelace", given=("Ada",), birth_date=date(1990, 1, 2)
    )

    assert parse_registration(registration_parameters(patient)) == patient
    with pytest.raises(GPConnectError, match="birth date"):
        parse_registration(registration_parameters(patient.__class__("9990000018", "Lovelace")))


def test_patient_with_an_invalid_nhs_number_is_refused():
    with pytest.raises(GPConnectError) as caught:
        Patient.from_fhir(Patient(nhs_number="1234567890", family="X").to_fhir())
    assert caught.value.error is SpineError.INVALID_NHS_NUMBER
