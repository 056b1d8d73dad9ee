"""Opening a patient by NHS number for break-glass or a claimed relationship: one loader,
the same refusals, each audited."""

import pytest
from django.core.exceptions import ValidationError

from governance.actions import Action
from governance.exceptional import patient_to_open
from governance.models import AuditEvent
from tests.factories import PatientFactory
from tests.governance.helpers import actor_for


def test_a_number_written_with_spaces_finds_the_patient(clinician_a, patient_b):
    found = patient_to_open(
        by=actor_for(clinician_a),
        nhs_number=patient_b.formatted_nhs_number,
        action=Action.RELATIONSHIP_CLAIM,
    )
    assert found == patient_b


@pytest.mark.parametrize("action", [Action.BREAK_GLASS, Action.RELATIONSHIP_CLAIM])
def test_no_such_patient_and_a_sensitive_record_are_refused_and_audited(
    clinician_a, practice_b, action
):
    actor = actor_for(clinician_a)
    with pytest.raises(ValidationError, match="No patient in Hub Diary"):
        patient_to_open(by=actor, nhs_number="9999999999", action=action)
    sensitive = PatientFactory(registered_practice=practice_b, is_sensitive=True)
    with pytest.raises(ValidationError, match="held only by the patient's own practice"):
        patient_to_open(by=actor, nhs_number=sensitive.nhs_number, action=action)
    refusals = AuditEvent.objects.filter(action=action, outcome="denied").order_by("id")
    assert [e.reason for e in refusals] == ["no such patient", "sensitive record"]
    assert refusals[1].patient == sensitive
