"""Practice staff see and change only their own practice's registered patients."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import Patient
from tests.factories import PatientFactory

NEW_PATIENT = {
    "nhs_number": "943 476 5919",
    "given_name": "Grace",
    "family_name": "Hopper",
    "date_of_birth_day": "9",
    "date_of_birth_month": "12",
    "date_of_birth_year": "1936",
    "gender": "female",
    "postcode": "ls6 2ab",
}


def test_patient_list_requires_sign_in(client, db):
    response = client.get(reverse("patients:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_list_shows_only_own_practices_patients(
    client_for, receptionist_practice_a, patient_a, patient_b
):
    response = client_for(receptionist_practice_a).get(reverse("patients:list"))
    assert response.status_code == 200
    assert b"LOVELACE" in response.content
    assert b"BROWN" not in response.content


def test_search_by_nhs_number_with_spaces(client_for, receptionist_practice_a, practice_a):
    wanted = PatientFactory(registered_practice=practice_a, family_name="Wanted")
    PatientFactory(registered_practice=practice_a, family_name="Other")
    spaced = wanted.formatted_nhs_number
    response = client_for(receptionist_practice_a).get(reverse("patients:list"), {"q": spaced})
    assert b"WANTED" in response.content and b"OTHER" not in response.content


def test_search_by_name_returns_htmx_fragment(client_for, receptionist_practice_a, practice_a):
    PatientFactory(registered_practice=practice_a, given_name="Ada", family_name="Lovelace")
    response = client_for(receptionist_practice_a).get(
        reverse("patients:list"), {"q": "ada love"}, headers={"HX-Request": "true"}
    )
    assert b"LOVELACE" in response.content
    assert b"<html" not in response.content


def test_patient_list_query_count_does_not_grow_with_patients(
    client_for, receptionist_practice_a, practice_a
):
    client = client_for(receptionist_practice_a)
    PatientFactory(registered_practice=practice_a)
    client.get(reverse("patients:list"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("patients:list")).status_code == 200
        return len(captured)

    few = queries()
    PatientFactory.create_batch(40, registered_practice=practice_a)
    assert queries() == few


def test_another_practices_patient_is_not_found(client_for, receptionist_practice_a, patient_b):
    client = client_for(receptionist_practice_a)
    assert client.get(reverse("patients:detail", args=[patient_b.public_id])).status_code == 404
    edit = reverse("patients:edit", args=[patient_b.public_id])
    assert client.post(edit, {**NEW_PATIENT, "nhs_number": patient_b.nhs_number}).status_code == 404
    patient_b.refresh_from_db()
    assert patient_b.given_name == "Bea"


def test_receptionist_registers_a_patient(client_for, receptionist_practice_a, practice_a):
    response = client_for(receptionist_practice_a).post(reverse("patients:create"), NEW_PATIENT)
    assert response.status_code == 302
    patient = Patient.objects.get(nhs_number="9434765919")
    assert patient.registered_practice == practice_a
    assert patient.postcode == "LS6 2AB"
    assert str(patient.date_of_birth) == "1936-12-09"


def test_invalid_nhs_number_and_date_are_shown_by_their_fields(client_for, receptionist_practice_a):
    response = client_for(receptionist_practice_a).post(
        reverse("patients:create"),
        {**NEW_PATIENT, "nhs_number": "943 476 5918", "date_of_birth_month": "13"},
    )
    assert response.status_code == 200
    assert b"This is not a valid NHS number" in response.content
    assert b"Enter a real date" in response.content
    assert b'href="#id_date_of_birth_0"' in response.content
    assert b'id="id_date_of_birth_0"' in response.content
    assert not Patient.objects.exists()


def test_duplicate_nhs_number_is_refused(client_for, receptionist_practice_a, practice_b):
    PatientFactory(registered_practice=practice_b, nhs_number="9434765919")
    response = client_for(receptionist_practice_a).post(reverse("patients:create"), NEW_PATIENT)
    assert response.status_code == 200
    assert b"already exists" in response.content


def test_clinician_can_view_but_not_change_patients(client_for, clinician_a, patient_a):
    client = client_for(clinician_a)
    assert client.get(reverse("patients:detail", args=[patient_a.public_id])).status_code == 200
    assert client.get(reverse("patients:edit", args=[patient_a.public_id])).status_code == 403


def test_hub_staff_cannot_use_the_practice_patient_list(client_for, hub_receptionist, patient_a):
    client = client_for(hub_receptionist)
    assert client.get(reverse("patients:list")).status_code == 403
    assert client.get(reverse("patients:detail", args=[patient_a.public_id])).status_code == 403


def test_patient_names_are_escaped(client_for, receptionist_practice_a, practice_a):
    PatientFactory(registered_practice=practice_a, given_name="<script>alert(1)</script>")
    response = client_for(receptionist_practice_a).get(reverse("patients:list"))
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content
