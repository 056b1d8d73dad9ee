import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from caretracker.enrolment import EnrolmentRefused, enrol
from caretracker.models import CarePlan, EscalationPlan
from caretracker.plans import history, save_plan
from governance.models import AuditEvent, Consent
from tests.governance.helpers import actor_for, consent


def test_a_practice_enrols_its_patient_only_with_care_tracker_consent(
    patient_a, clinician_a, care_home
):
    actor = actor_for(clinician_a)
    with pytest.raises(EnrolmentRefused):
        enrol(by=actor, patient=patient_a, care_home=care_home)
    consent(patient_a, Consent.Scope.CARE_TRACKER, Consent.State.GIVEN, by=clinician_a)
    enrolment = enrol(by=actor, patient=patient_a, care_home=care_home)
    assert enrolment.key_worker == clinician_a
    assert {m.organisation for m in enrolment.team.all()} == {
        patient_a.registered_practice,
        care_home,
    }
    assert AuditEvent.objects.filter(action="care.enrol", patient=patient_a).exists()
    with pytest.raises(EnrolmentRefused):
        enrol(by=actor, patient=patient_a)


def test_every_change_to_a_plan_is_a_new_version_and_earlier_ones_stay_readable(
    resident, clinician_a
):
    actor = actor_for(clinician_a)
    due = timezone.localdate() + datetime.timedelta(days=30)
    first = save_plan(
        by=actor,
        enrolment=resident,
        model=CarePlan,
        change_note="First",
        summary="A",
        review_due=due,
    )
    second = save_plan(
        by=actor,
        enrolment=resident,
        model=CarePlan,
        change_note="Fall",
        summary="B",
        review_due=due,
    )
    assert (first.number, second.number) == (1, 2)
    newest, oldest = history(CarePlan, resident)
    assert newest.plan == second and ("Summary", "A", "B") in newest.changed
    assert oldest.plan.summary == "A"
    assert AuditEvent.objects.filter(action="care.plan").count() == 2


def test_the_plan_pages_save_a_version_and_show_the_history(client_for, resident, clinician_a):
    client = client_for(clinician_a)
    url = reverse("caretracker:escalation_plan", args=[resident.public_id])
    response = client.post(
        url,
        {
            "when_deteriorating": "Call 999",
            "who_to_call": "Son",
            "preferences": "",
            "resuscitation": "for-cpr",
            "resuscitation_recorded_in": "",
            "review_due": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
            "change_note": "Reviewed with the family",
        },
    )
    assert response.status_code == 302
    assert EscalationPlan.objects.filter(enrolment=resident).count() == 2
    page = client.get(reverse("caretracker:escalation_plan_history", args=[resident.public_id]))
    assert "Reviewed with the family" in page.content.decode()


def test_a_plan_with_nothing_filled_in_says_what_to_fix(client_for, resident, clinician_a):
    url = reverse("caretracker:care_plan", args=[resident.public_id])
    response = client_for(clinician_a).post(url, {"summary": "", "change_note": ""})
    assert response.status_code == 200 and "nhsuk-error-summary" in response.content.decode()
