import datetime

from django.utils import timezone

from caretracker.escalation import escalate_tasks
from caretracker.models import CareTeamMember, Task, TaskEvent
from governance.models import Alert, AuditEvent
from practices.roles import Role
from tests.caretracker.builders import task_for
from tests.factories import staff

HOUR = datetime.timedelta(hours=1)


def test_an_unaccepted_task_goes_to_the_key_worker_once_then_to_the_lead(
    resident, care_home, sent_email, django_capture_on_commit_callbacks, practice_a
):
    lead = staff(practice_a, Role.CLINICIAN, username="team.lead")
    CareTeamMember.objects.filter(enrolment=resident, is_lead=True).update(user=lead)
    task = task_for(resident, care_home, hours=24)
    Task.objects.filter(pk=task.pk).update(updated_at=timezone.now() - 5 * HOUR)  # not accepted
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_tasks() == 1
        assert escalate_tasks() == 0  # the job runs again: nothing more
    task.refresh_from_db()
    assert task.escalation == Task.Escalation.KEY_WORKER
    alert = Alert.objects.get(kind=Alert.Kind.TASK_ESCALATED)
    assert alert.user == resident.key_worker
    assert [m["to"] for m in sent_email] == [resident.key_worker.email]

    # Five hours on, still nobody has accepted it.
    Task.objects.filter(pk=task.pk).update(updated_at=timezone.now() - 5 * HOUR)
    TaskEvent.objects.filter(task=task, kind="escalated").update(at=timezone.now() - 5 * HOUR)
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_tasks() == 1
        assert escalate_tasks() == 0
    task.refresh_from_db()
    assert task.escalation == Task.Escalation.TEAM_LEAD
    assert Alert.objects.filter(kind=Alert.Kind.TASK_ESCALATED, user=lead).exists()
    assert [m["to"] for m in sent_email] == [resident.key_worker.email, lead.email]
    assert TaskEvent.objects.filter(task=task, kind="escalated").count() == 2
    assert AuditEvent.objects.filter(action="task.escalate").count() == 2


def test_an_overdue_accepted_task_escalates(resident, care_home, care_home_staff):
    task = task_for(resident, care_home, hours=1)
    Task.objects.filter(pk=task.pk).update(
        status=Task.Status.ACCEPTED, accepted_by=care_home_staff, accepted_at=timezone.now()
    )
    assert escalate_tasks(timezone.now() + 30 * datetime.timedelta(minutes=1)) == 0
    assert escalate_tasks(timezone.now() + 2 * HOUR) == 1


def test_a_task_accepted_in_time_is_left_alone(resident, care_home, care_home_staff):
    task = task_for(resident, care_home, hours=24)
    Task.objects.filter(pk=task.pk).update(
        status=Task.Status.ACCEPTED, updated_at=timezone.now() - 5 * HOUR
    )
    assert escalate_tasks() == 0


def test_a_rapid_response_waits_only_half_an_hour_to_be_accepted(resident, care_home):
    task = task_for(resident, care_home, kind=Task.Kind.RAPID_RESPONSE, hours=2)
    minutes = datetime.timedelta(minutes=1)
    Task.objects.filter(pk=task.pk).update(updated_at=timezone.now() - 20 * minutes)
    assert escalate_tasks() == 0
    Task.objects.filter(pk=task.pk).update(updated_at=timezone.now() - 40 * minutes)
    assert escalate_tasks() == 1
