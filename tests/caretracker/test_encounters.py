import datetime

import pytest
from django.utils import timezone

from caretracker.encounters import EncounterRefused, log_encounter
from caretracker.models import Encounter
from governance.access import Basis, PatientNotFound, Purpose
from governance.access.rules import Seeker, evaluate
from governance.models import Alert, AuditEvent, Relationship
from tests.governance.helpers import actor_for


def _log(actor, patient, **overrides):
    values = {
        "kind": Encounter.Kind.A_AND_E,
        "occurred_at": timezone.now(),
        "presenting_reason": "Fall at the care home",
        "outcome": Encounter.Outcome.SENT_HOME,
    }
    return log_encounter(by=actor, patient=patient, **(values | overrides))


def test_logging_a_contact_alerts_and_emails_the_key_worker_naming_no_patient(
    resident, ae_shares_care_tracker, ae_clinician, sent_email, django_capture_on_commit_callbacks
):
    patient = resident.patient
    with django_capture_on_commit_callbacks(execute=True):
        encounter = _log(actor_for(ae_clinician), patient)
    alert = Alert.objects.get(kind=Alert.Kind.PATIENT_CONTACT)
    assert alert.user == resident.key_worker and alert.reference == encounter.public_id
    assert str(resident.public_id) in alert.link
    assert patient.family_name not in alert.message
    (email,) = sent_email
    assert email["to"] == resident.key_worker.email
    assert patient.family_name not in email["body"] and patient.nhs_number not in email["body"]
    assert AuditEvent.objects.filter(action="contact.log", patient=patient).exists()


def test_a_patient_not_enrolled_alerts_no_one(
    patient_a, ae_shares_care_tracker, ae_clinician, sent_email
):
    _log(actor_for(ae_clinician), patient_a)
    assert not Alert.objects.exists() and not sent_email


def test_a_service_with_no_basis_cannot_log_and_the_refusal_is_audited(patient_b, ae_clinician):
    with pytest.raises(PatientNotFound):
        _log(actor_for(ae_clinician), patient_b)
    assert not Encounter.objects.exists()
    assert AuditEvent.objects.get(action="contact.log").outcome == AuditEvent.Outcome.DENIED


def test_a_contact_in_the_future_is_refused(patient_a, ae_shares_care_tracker, ae_clinician):
    with pytest.raises(EncounterRefused):
        _log(
            actor_for(ae_clinician),
            patient_a,
            occurred_at=timezone.now() + datetime.timedelta(hours=1),
        )


def test_after_a_claimed_contact_the_service_sees_the_patient_for_a_day_under_review(
    patient_b, ae_department, ae_clinician
):
    """A&E claims a relationship to treat a patient of an unsharing practice; the contact it
    logs then carries access on its own, and is noted for the practice to review."""
    Relationship.objects.create(
        organisation=ae_department,
        user=ae_clinician,
        patient=patient_b,
        kind=Relationship.Kind.SELF_CLAIMED,
        reason="In the department now",
        started_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    actor = actor_for(ae_clinician)
    _log(actor, patient_b)
    Relationship.objects.filter(kind=Relationship.Kind.SELF_CLAIMED).delete()
    decision = evaluate(Seeker.of(actor), patient_b, Purpose.BOOK).decision
    assert decision.basis == Basis.CARE_RELATIONSHIP
