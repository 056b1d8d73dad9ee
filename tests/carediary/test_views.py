from django.urls import reverse

from caretracker.models import Encounter
from governance.models import AuditEvent, Scope
from tests.booking.builders import booking_at
from tests.governance.helpers import agreement


def test_an_ae_clinician_finds_a_patient_of_a_sharing_practice(
    client_for, ae_clinician, patient_a, practice_a, ae_department, practice_manager_a
):
    agreement(practice_a, ae_department, Scope.BOOKING, by=practice_manager_a)
    response = client_for(ae_clinician).post(
        reverse("carediary:home"), {"nhs_number": patient_a.nhs_number}
    )
    assert reverse("carediary:patient", args=[patient_a.public_id]) in response.content.decode()
    assert AuditEvent.objects.filter(action="patient.find").exists()


def test_a_patient_of_an_unsharing_practice_is_not_found_and_claim_and_break_glass_are_offered(
    client_for, ae_clinician, patient_b
):
    response = client_for(ae_clinician).post(
        reverse("carediary:home"), {"nhs_number": patient_b.nhs_number}
    )
    page = response.content.decode()
    assert "No patient found" in page and patient_b.family_name not in page
    assert reverse("governance:relationship_claim") in page
    assert reverse("governance:break_glass") in page


def test_the_patient_page_shows_appointments_and_the_escalation_plan_where_allowed(
    client_for, ae_clinician, resident, ae_shares_care_tracker
):
    booking = booking_at(resident.practice, patient=resident.patient)
    response = client_for(ae_clinician).get(
        reverse("carediary:patient", args=[resident.patient.public_id])
    )
    page = response.content.decode()
    assert booking.slot.practice.name in page
    assert "Escalation plan" in page and "ReSPECT form" in page
    assert AuditEvent.objects.filter(action="care.view", patient=resident.patient).exists()


def test_without_a_care_tracker_agreement_nothing_of_the_care_plan_shows(
    client_for, ae_clinician, resident, ae_department, practice_manager_a
):
    agreement(resident.practice, ae_department, Scope.BOOKING, by=practice_manager_a)
    response = client_for(ae_clinician).get(
        reverse("carediary:patient", args=[resident.patient.public_id])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Escalation plan" not in page and "ReSPECT" not in page


def test_without_care_tracker_consent_nothing_of_the_care_plan_shows(
    client_for, ae_clinician, resident, ae_shares_care_tracker, practice_manager_a
):
    from governance.models import Consent
    from tests.governance.helpers import consent

    consent(
        resident.patient, Consent.Scope.CARE_TRACKER, Consent.State.WITHDRAWN, by=practice_manager_a
    )
    page = (
        client_for(ae_clinician)
        .get(reverse("carediary:patient", args=[resident.patient.public_id]))
        .content.decode()
    )
    assert "Escalation plan" not in page


def test_logging_the_attendance_lands_it_and_returns_to_the_patient(
    client_for, ae_clinician, resident, ae_shares_care_tracker
):
    url = reverse("carediary:log_contact", args=[resident.patient.public_id])
    response = client_for(ae_clinician).post(
        url,
        {
            "kind": "a-and-e",
            "minutes_ago": "10",
            "presenting_reason": "Fall, no head injury",
            "outcome": "sent-home",
        },
    )
    assert response.status_code == 302
    encounter = Encounter.objects.get()
    assert encounter.patient == resident.patient and encounter.outcome == "sent-home"


def test_a_contact_form_with_mistakes_says_what_to_fix_and_keeps_what_was_typed(
    client_for, ae_clinician, resident, ae_shares_care_tracker
):
    url = reverse("carediary:log_contact", args=[resident.patient.public_id])
    response = client_for(ae_clinician).post(
        url, {"kind": "a-and-e", "minutes_ago": "-5", "presenting_reason": "Chest pain"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "nhsuk-error-summary" in page
    assert "Chest pain" in page and not Encounter.objects.exists()


def test_a_hub_receptionist_has_no_care_diary(client_for, hub_receptionist):
    assert client_for(hub_receptionist).get(reverse("carediary:home")).status_code == 403
