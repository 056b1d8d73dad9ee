"""Finding patients across practices goes through the access decision."""

from django.urls import reverse

from governance.models import AuditEvent, Consent, Scope
from tests.governance.helpers import agreement, consent


def _find(client, **params):
    return client.post(reverse("patients:find"), params)


def test_hub_finds_patients_of_sharing_practices_only(
    client_for, hub_receptionist, hub, practice_a, patient_a, patient_b, practice_manager_a
):
    agreement(practice_a, hub, Scope.BOOKING, by=practice_manager_a)
    client = client_for(hub_receptionist)
    found = _find(client, nhs_number=patient_a.formatted_nhs_number)
    assert b"LOVELACE, Ada" in found.content
    assert b"/patients/" + str(patient_a.public_id).encode() not in found.content  # no record link
    book = f"{reverse('booking:search')}?patient={patient_a.public_id}"
    assert book in found.content.decode()  # but the booking journey starts here
    missing = _find(client, nhs_number=patient_b.nhs_number)
    assert b"No patient found" in missing.content and b"BROWN" not in missing.content
    events = AuditEvent.objects.filter(action="patient.find").order_by("id")
    assert [(e.reason, e.outcome) for e in events] == [
        ("results=1", "allowed"),
        ("results=0", "allowed"),
    ]


def test_find_by_name_and_date_of_birth(client_for, receptionist_practice_a, patient_a):
    found = _find(
        client_for(receptionist_practice_a),
        family_name="lovelace",
        date_of_birth_day="27",
        date_of_birth_month="3",
        date_of_birth_year="1957",
    )
    assert b"LOVELACE, Ada" in found.content


def test_find_needs_a_number_or_a_name_and_birth_date(client_for, receptionist_practice_a):
    response = _find(client_for(receptionist_practice_a), family_name="Lovelace")
    assert b"Enter an NHS number, or a last name and date of birth" in response.content


def test_urgent_care_without_consent_is_offered_break_glass(
    client_for, ae_clinician, ae_department, practice_a, patient_a, practice_manager_a
):
    agreement(practice_a, ae_department, Scope.RECORD_VIEW, by=practice_manager_a)
    client = client_for(ae_clinician)
    refused = _find(client, nhs_number=patient_a.nhs_number)
    assert b"No patient found" in refused.content
    assert b"get emergency access" in refused.content
    consent(patient_a, Consent.Scope.SHARE_RECORD, Consent.State.GIVEN, by=practice_manager_a)
    found = _find(client, nhs_number=patient_a.nhs_number)
    assert reverse("patients:detail", args=[patient_a.public_id]).encode() in found.content


def test_the_search_is_posted_and_a_number_not_found_is_offered_to_break_glass_unseen(
    client_for, ae_clinician, patient_b
):
    client = client_for(ae_clinician)
    assert (
        client.get(reverse("patients:find"), {"nhs_number": patient_b.nhs_number}).context[
            "results"
        ]
        is None
    )  # a number in the address is not a search
    missing = _find(client, nhs_number=patient_b.nhs_number)
    assert b"No patient found" in missing.content
    assert patient_b.nhs_number.encode() not in missing.content.split(b"break-glass")[-1][:200]
    glass = client.get(reverse("governance:break_glass"))
    assert glass.context["form"].initial["nhs_number"] == patient_b.nhs_number
