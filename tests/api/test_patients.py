"""Finding and reading patients through the API: only through the access door, audited."""

from governance.models import AuditEvent
from practices.models import Organisation
from practices.roles import Role
from tests.api.helpers import audited_patients, error_of, token_client
from tests.factories import OrganisationFactory, staff

FIND = "/api/v1/patients/find/"


def test_a_hub_that_books_for_the_practice_finds_its_patient(
    hub_receptionist, hub_books_for_a, patient_a
):
    response = token_client(hub_receptionist).post(
        FIND, {"nhs_number": patient_a.nhs_number}, format="json"
    )
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [str(patient_a.public_id)]
    event = AuditEvent.objects.filter(action="patient.find").latest("id")
    assert (event.purpose, audited_patients(event)) == ("book", {patient_a})


def test_a_patient_the_rules_refuse_is_not_found_and_the_search_is_audited(
    hub_receptionist, patient_a
):
    response = token_client(hub_receptionist).post(
        FIND, {"nhs_number": patient_a.nhs_number}, format="json"
    )
    assert response.json() == {"results": []}
    assert AuditEvent.objects.filter(action="patient.find").exists()


def test_finding_by_name_needs_the_date_of_birth(receptionist_practice_a, patient_a):
    client = token_client(receptionist_practice_a)
    alone = client.post(FIND, {"family_name": patient_a.family_name}, format="json")
    assert list(error_of(alone)["details"]["fields"]) == ["non_field_errors"]
    found = client.post(
        FIND,
        {"family_name": patient_a.family_name, "date_of_birth": str(patient_a.date_of_birth)},
        format="json",
    )
    assert [p["nhs_number"] for p in found.json()["results"]] == [patient_a.nhs_number]


def test_a_wrong_check_digit_is_refused(receptionist_practice_a):
    response = token_client(receptionist_practice_a).post(
        FIND, {"nhs_number": "943 476 5918"}, format="json"
    )
    assert list(error_of(response)["details"]["fields"]) == ["nhs_number"]


def test_reading_a_patient_says_on_what_basis(receptionist_practice_a, patient_a):
    response = token_client(receptionist_practice_a).get(f"/api/v1/patients/{patient_a.public_id}/")
    assert response.status_code == 200
    assert response.json()["basis"] == "registered-practice"
    assert AuditEvent.objects.filter(action="patient.view", patient=patient_a).exists()


def test_another_practices_patient_is_not_found_and_the_refusal_audited(
    receptionist_practice_b, patient_a
):
    response = token_client(receptionist_practice_b).get(f"/api/v1/patients/{patient_a.public_id}/")
    assert error_of(response)["code"] == "patient-not-found"
    assert AuditEvent.objects.filter(action="patient.view", patient=patient_a).exists()


def test_a_role_that_neither_books_nor_sees_records_cannot_find(db):
    home = OrganisationFactory(kind=Organisation.Kind.CARE_HOME)
    carer = staff(home, Role.CARE_HOME_STAFF, username="care.home")
    response = token_client(carer).post(FIND, {"nhs_number": "943 476 5919"}, format="json")
    assert error_of(response)["code"] == "forbidden"
