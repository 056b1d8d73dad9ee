import datetime

from django.utils import timezone

from caretracker.models import CarePlan, EscalationPlan
from caretracker.plans import save_plan
from caretracker.reviews import plan_reference, remind_reviews
from governance.models import Alert
from tests.caretracker.builders import care_plan_for
from tests.governance.helpers import actor_for

DAY = datetime.timedelta(days=1)


def _due_in(plan, days):
    type(plan).objects.filter(pk=plan.pk).update(review_due=timezone.localdate() + days * DAY)


def test_the_key_worker_is_reminded_once_a_week_before_a_review(
    resident, sent_email, django_capture_on_commit_callbacks
):
    _due_in(care_plan_for(resident), 5)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reviews() == 1
        assert remind_reviews() == 0  # the job runs again: nothing more
    alert = Alert.objects.get(kind=Alert.Kind.REVIEW_DUE)
    assert alert.user == resident.key_worker and alert.resolved_at is None
    assert alert.link.endswith(f"/records/{resident.public_id}/care-plan/")
    [email] = sent_email
    assert email["to"] == resident.key_worker.email and email["template"] == "review-due"
    assert "care plan" in email["body"] and "http://" in email["body"]  # a link that works
    assert resident.patient.family_name not in email["body"] + alert.message


def test_plans_not_yet_near_review_wait(resident, sent_email):
    _due_in(care_plan_for(resident), 30)
    assert remind_reviews() == 0
    assert not Alert.objects.filter(kind=Alert.Kind.REVIEW_DUE).exists()


def test_only_the_latest_version_counts(resident, sent_email):
    _due_in(care_plan_for(resident, number=1), -10)
    _due_in(care_plan_for(resident, number=2), 60)
    assert remind_reviews() == 0


def test_a_new_version_settles_the_reminder_and_its_own_review_is_reminded_afresh(
    resident, clinician_a, sent_email, django_capture_on_commit_callbacks
):
    _due_in(care_plan_for(resident), 2)
    _due_in(EscalationPlan.objects.get(enrolment=resident), 3)
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reviews() == 2  # the care plan and the escalation plan
        save_plan(
            by=actor_for(clinician_a),
            enrolment=resident,
            model=CarePlan,
            change_note="Reviewed",
            summary="Reviewed with the family",
            review_due=timezone.localdate() + 4 * DAY,
        )
    care = plan_reference(resident, CarePlan)
    assert Alert.objects.get(reference=care).resolved_at is not None
    escalation = plan_reference(resident, EscalationPlan)
    assert Alert.objects.get(reference=escalation).resolved_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_reviews() == 1  # version 2 of the care plan, due in four days
    assert Alert.objects.filter(reference=care, resolved_at__isnull=True).count() == 1


def test_an_ended_enrolment_is_not_reminded(resident, sent_email):
    _due_in(care_plan_for(resident), 1)
    type(resident).objects.filter(pk=resident.pk).update(ended_at=timezone.now())
    assert remind_reviews() == 0
