"""Claiming a care relationship, and the patient's practice reviewing every access that
rested on one, as it reviews break-glass."""

from html import escape

import pytest
from django.urls import reverse

from governance.access import Basis, Purpose, decide
from governance.actions import Action
from governance.models import Alert, AuditEvent, Relationship
from practices.roles import Role
from tests.factories import RelationshipFactory, staff
from tests.governance.helpers import actor_for

CLAIM = {"reason": "In front of me at the walk-in centre with chest pain"}


def _claim(client, patient, **changes):
    return client.post(
        reverse("governance:relationship_claim"),
        {**CLAIM, "nhs_number": patient.nhs_number, **changes},
    )


def test_a_claim_opens_the_record_for_a_day_audited_and_sent_for_review(
    client_for, ae_clinician, patient_b, practice_b
):
    client = client_for(ae_clinician)
    detail = reverse("patients:detail", args=[patient_b.public_id])
    assert client.get(detail).status_code == 404  # no agreement covers the patient
    response = _claim(client, patient_b)
    assert response.status_code == 302 and response["Location"] == detail
    assert client.get(detail).status_code == 200
    claimed = Relationship.objects.get()
    assert (claimed.user, claimed.kind, claimed.review) == (
        ae_clinician,
        Relationship.Kind.SELF_CLAIMED,
        Relationship.Review.PENDING,
    )
    assert (claimed.expires_at - claimed.started_at).total_seconds() == 24 * 3600
    view = AuditEvent.objects.filter(action=Action.PATIENT_VIEW, outcome="allowed").get()
    assert view.basis == Basis.SELF_CLAIMED
    alert = Alert.objects.get(organisation=practice_b, kind=Alert.Kind.RELATIONSHIP)
    assert patient_b.family_name not in alert.message  # alerts name no patient


def test_a_claim_is_for_the_person_who_made_it(ae_clinician, ae_department, patient_b):
    _claim_for = RelationshipFactory(
        organisation=ae_department, user=ae_clinician, patient=patient_b
    )
    colleague = staff(ae_department, Role.URGENT_CARE_CLINICIAN, username="ae.colleague")
    assert decide(
        actor_for(ae_clinician), patient_b, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW
    )
    assert not decide(
        actor_for(colleague), patient_b, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW
    )
    assert _claim_for.review == Relationship.Review.PENDING


def test_a_claim_needs_a_reason_and_refuses_sensitive_records(client_for, ae_clinician, patient_b):
    client = client_for(ae_clinician)
    assert b"Say in a sentence" in _claim(client, patient_b, reason="help").content
    patient_b.is_sensitive = True
    patient_b.save(update_fields=["is_sensitive"])
    assert b"held only by the patient&#x27;s own practice" in _claim(client, patient_b).content
    assert not Relationship.objects.exists()
    refused = AuditEvent.objects.get(action=Action.RELATIONSHIP_CLAIM)
    assert (refused.outcome, refused.patient) == ("denied", patient_b)


def test_roles_without_clinical_access_cannot_claim(client_for, hub_receptionist, patient_b):
    assert (
        client_for(hub_receptionist).get(reverse("governance:relationship_claim")).status_code
        == 403
    )


@pytest.fixture
def claimed(ae_clinician, ae_department, patient_a):
    return RelationshipFactory(organisation=ae_department, user=ae_clinician, patient=patient_a)


def test_the_ig_lead_reviews_a_claimed_relationship(client_for, ig_lead_a, claimed, patient_a):
    client = client_for(ig_lead_a)
    queue = client.get(reverse("governance:relationship_reviews")).content.decode()
    assert escape(claimed.organisation.name) in queue and patient_a.family_name not in queue
    url = reverse("governance:relationship_review", args=[claimed.public_id])
    page = client.get(url)
    assert patient_a.family_name.upper() in page.content.decode()
    assert AuditEvent.objects.filter(
        action=Action.RELATIONSHIP_REVIEW_VIEW, patient=patient_a, outcome="allowed"
    ).exists()
    missing_note = client.post(url, {"outcome": "referred"})
    assert b"Say why you are referring it" in missing_note.content
    response = client.post(url, {"outcome": "appropriate"})
    assert response.status_code == 302
    claimed.refresh_from_db()
    assert (claimed.review, claimed.reviewed_by) == (Relationship.Review.APPROPRIATE, ig_lead_a)
    assert AuditEvent.objects.filter(action=Action.RELATIONSHIP_REVIEW, patient=patient_a).exists()


def test_another_practices_ig_lead_cannot_see_the_review(client_for, practice_b, claimed):
    client = client_for(staff(practice_b, Role.IG_LEAD))
    url = reverse("governance:relationship_review", args=[claimed.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "appropriate"}).status_code == 404
    claimed.refresh_from_db()
    assert claimed.review == Relationship.Review.PENDING


def test_the_review_queue_query_count_does_not_grow(
    client_for, ig_lead_a, ae_clinician, ae_department, practice_a, django_assert_max_num_queries
):
    from tests.factories import PatientFactory

    for _ in range(3):
        RelationshipFactory(
            organisation=ae_department,
            user=ae_clinician,
            patient=PatientFactory(registered_practice=practice_a),
        )
    client = client_for(ig_lead_a)
    client.get(reverse("governance:relationship_reviews"))  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("governance:relationship_reviews"))
    for _ in range(10):
        RelationshipFactory(
            organisation=ae_department,
            user=ae_clinician,
            patient=PatientFactory(registered_practice=practice_a),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("governance:relationship_reviews"))
