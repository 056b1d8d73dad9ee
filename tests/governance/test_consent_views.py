"""Recording a patient's consent: only staff allowed to see the patient, every attempt
audited, errors shown the NHS.UK way."""

import pytest
from django.urls import reverse

from governance.models import AuditEvent, Consent

ANSWER = {"scope": "share-record", "state": "given", "method": "verbal"}


@pytest.fixture
def url(patient_a):
    return reverse("governance:consent_record", args=[patient_a.public_id])


@pytest.mark.parametrize("method", ["get", "post"])
def test_signed_out_visitors_are_sent_to_sign_in(client, db, url, method):
    response = getattr(client, method)(url, ANSWER if method == "post" else None)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_practices_staff_find_no_patient_and_are_audited(
    client_for, practice_manager_b, patient_a, url, method
):
    client = client_for(practice_manager_b)
    response = getattr(client, method)(url, ANSWER if method == "post" else None)
    assert response.status_code == 404
    assert patient_a.family_name.encode() not in response.content
    assert not Consent.objects.exists()
    refusal = AuditEvent.objects.get()
    assert (refusal.actor, refusal.patient, refusal.outcome) == (
        practice_manager_b,
        patient_a,
        AuditEvent.Outcome.DENIED,
    )
    assert refusal.action == ("consent.record" if method == "post" else "consent.view")


def test_the_form_shows_the_patients_consent_history(
    client_for, receptionist_practice_a, patient_a, url
):
    Consent.objects.create(
        patient=patient_a,
        scope=Consent.Scope.CARE_TRACKER,
        state=Consent.State.REFUSED,
        method=Consent.Method.WRITTEN,
        recorded_by=receptionist_practice_a,
        recorded_at="2026-01-05T10:00:00Z",
    )
    page = client_for(receptionist_practice_a).get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Record consent" in content and "Refused (in writing)" in content


def test_recording_consent_saves_it_and_audits_it(
    client_for, receptionist_practice_a, practice_a, patient_a, url
):
    client = client_for(receptionist_practice_a)
    response = client.post(url, ANSWER)
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:detail", args=[patient_a.public_id])

    consent = Consent.objects.get()
    assert (consent.patient, consent.scope, consent.state, consent.method) == (
        patient_a,
        Consent.Scope.SHARE_RECORD,
        Consent.State.GIVEN,
        Consent.Method.VERBAL,
    )
    assert consent.recorded_by == receptionist_practice_a
    assert consent.recorded_by_organisation == practice_a
    event = AuditEvent.objects.get(object_type="Consent")
    assert (event.action, event.actor, event.patient, event.outcome, event.reason) == (
        "consent.record",
        receptionist_practice_a,
        patient_a,
        AuditEvent.Outcome.ALLOWED,
        "share-record:given:verbal",
    )
    assert event.object_id == str(consent.public_id)
    assert b"Consent recorded." in client.get(response["Location"]).content


def test_an_incomplete_answer_is_shown_in_an_error_summary(
    client_for, receptionist_practice_a, url
):
    response = client_for(receptionist_practice_a).post(url, {"scope": "share-record"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Error: " in content
    assert "nhsuk-error-summary" in content and "There is a problem" in content
    for message in ("Select what the patient said", "Select how the patient said it"):
        assert content.count(message) == 2  # in the summary and by the field
    assert 'href="#id_state' in content  # the summary links to the field
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(object_type="Consent").exists()


def test_a_made_up_answer_is_refused(client_for, receptionist_practice_a, url):
    response = client_for(receptionist_practice_a).post(url, {**ANSWER, "state": "maybe"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not Consent.objects.exists()
