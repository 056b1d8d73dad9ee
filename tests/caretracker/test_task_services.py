import datetime

import pytest
from django.utils import timezone

from caretracker import task_services
from caretracker.models import Task, TaskEvent
from governance.access import PatientNotFound
from governance.models import Alert, AuditEvent
from practices.roles import Role
from tests.factories import staff
from tests.governance.helpers import actor_for


@pytest.fixture
def anp(practice_a):
    return staff(practice_a, Role.CLINICIAN, username="anp")


def _send(anp, resident, to, **extra):
    values = {"title": "Check the dressing", "due_at": timezone.now() + datetime.timedelta(hours=6)}
    return task_services.send_task(by=actor_for(anp), enrolment=resident, to=to, **(values | extra))


def test_a_task_from_the_anp_to_the_care_home_is_not_taken_until_accepted(
    anp, resident, care_home, care_home_staff
):
    task = _send(anp, resident, care_home)
    assert task.status == Task.Status.OFFERED and task.accepted_by is None
    assert Alert.objects.filter(kind=Alert.Kind.TASK_ASSIGNED, organisation=care_home).exists()
    with pytest.raises(task_services.TaskRefused):
        task_services.complete_task(by=actor_for(care_home_staff), task=task)
    task = task_services.accept_task(by=actor_for(care_home_staff), task=task)
    assert task.status == Task.Status.ACCEPTED and task.accepted_by == care_home_staff
    assert not Alert.objects.filter(kind=Alert.Kind.TASK_ASSIGNED, resolved_at=None).exists()
    task_services.complete_task(by=actor_for(care_home_staff), task=task)
    kinds = list(TaskEvent.objects.filter(task=task).values_list("kind", flat=True))
    assert kinds == ["created", "accepted", "completed"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"task.create", "task.accept", "task.complete"} <= actions


def test_only_the_receiving_team_can_accept(anp, resident, care_home):
    task = _send(anp, resident, care_home)
    with pytest.raises(task_services.TaskRefused):
        task_services.accept_task(by=actor_for(anp), task=task)


def test_handing_back_needs_a_reason_and_returns_the_task_to_its_sender(
    anp, resident, care_home, care_home_staff
):
    task = _send(anp, resident, care_home)
    with pytest.raises(task_services.TaskRefused):
        task_services.hand_back_task(by=actor_for(care_home_staff), task=task, note=" ")
    task = task_services.hand_back_task(
        by=actor_for(care_home_staff), task=task, note="No nurse on shift tonight"
    )
    assert task.status == Task.Status.HANDED_BACK
    assert task.assigned_organisation == resident.practice
    resent = task_services.resend_task(by=actor_for(anp), task=task, to=care_home)
    assert resent.status == Task.Status.OFFERED and resent.assigned_organisation == care_home


def test_tasks_go_only_to_the_care_team(anp, resident, practice_b):
    with pytest.raises(task_services.TaskRefused):
        _send(anp, resident, practice_b)


def test_a_rapid_response_referral_is_due_in_two_hours_whatever_is_asked(anp, resident, care_home):
    before = timezone.now()
    task = _send(
        anp,
        resident,
        care_home,
        kind=Task.Kind.RAPID_RESPONSE,
        due_at=before + datetime.timedelta(days=3),
    )
    assert (
        datetime.timedelta(hours=2) <= task.due_at - before < datetime.timedelta(hours=2, seconds=5)
    )


def test_someone_who_may_not_see_the_patient_cannot_send_a_task(resident, care_home, practice_b):
    stranger = staff(practice_b, Role.CLINICIAN)
    with pytest.raises(PatientNotFound):
        _send(stranger, resident, care_home)


def test_a_refused_change_leaves_its_audit_event_standing(
    anp, resident, care_home, care_home_staff, practice_manager_a
):
    """Consent withdrawn after the task was sent: the care home can no longer see the
    patient, the task is untouched, and the refusal is on the record."""
    from governance.models import Consent
    from tests.governance.helpers import consent

    task = _send(anp, resident, care_home)
    consent(
        resident.patient, Consent.Scope.CARE_TRACKER, Consent.State.WITHDRAWN, by=practice_manager_a
    )
    with pytest.raises(PatientNotFound):
        task_services.accept_task(by=actor_for(care_home_staff), task=task)
    task.refresh_from_db()
    assert task.status == Task.Status.OFFERED
    refused = AuditEvent.objects.get(action="task.accept")
    assert refused.outcome == AuditEvent.Outcome.DENIED
