"""Tasks nobody has taken, or that are overdue, go up: first to the patient's key worker,
then to the care team's lead. Run by a scheduled job; each step happens once, however
often the job runs (the task's escalation level is raised under a row lock)."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from caretracker.models import CareTeamMember, Task, TaskEvent
from caretracker.task_services import task_link
from governance.actions import Action
from governance.alerts import alert_person, raise_alert
from governance.audit import Actor, record_event
from governance.models import Alert
from notifications.services import send_email

# How long a task may wait to be accepted before it goes up a level: a rapid response
# cannot wait long, since its whole clock is two hours.
UNACCEPTED_FOR = {
    Task.Kind.RAPID_RESPONSE: datetime.timedelta(minutes=30),
    Task.Kind.TASK: datetime.timedelta(hours=4),
}
# After going to the key worker, how long before it goes on to the team's lead.
THEN_AFTER = {
    Task.Kind.RAPID_RESPONSE: datetime.timedelta(minutes=30),
    Task.Kind.TASK: datetime.timedelta(hours=4),
}
_OPEN = Task.OPEN_STATUSES


def due_for_escalation(now: datetime.datetime):
    """Open tasks that are overdue, or offered too long, and not yet at the top level."""
    waiting = Q()
    for kind, window in UNACCEPTED_FOR.items():
        waiting |= Q(kind=kind, status=Task.Status.OFFERED, updated_at__lt=now - window)
    return Task.objects.filter(status__in=_OPEN, escalation__lt=Task.Escalation.TEAM_LEAD).filter(
        waiting | Q(due_at__lt=now)
    )


def escalate_tasks(now: datetime.datetime | None = None) -> int:
    """Raise each task that needs it one level. Returns how many went up."""
    now = now or timezone.now()
    raised = 0
    for task_id in list(due_for_escalation(now).values_list("pk", flat=True)):
        raised += _escalate(task_id, now)
    return raised


def _escalate(task_id: int, now: datetime.datetime) -> int:
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(skip_locked=True)
            .select_related("enrolment__key_worker", "enrolment__key_worker_organisation")
            .filter(pk=task_id, status__in=_OPEN)
            .first()
        )
        if task is None or task.escalation >= Task.Escalation.TEAM_LEAD:
            return 0
        if task.escalation == Task.Escalation.KEY_WORKER:
            last = task.events.filter(kind=TaskEvent.Kind.ESCALATED).order_by("-at").first()
            if last is not None and last.at > now - THEN_AFTER[task.kind]:
                return 0  # the key worker still has time to act
        task.escalation += 1
        task.save(update_fields=["escalation", "updated_at"])
        reason = "overdue" if task.due_at < now else "not accepted"
        to = _tell(task, reason)
        TaskEvent.objects.create(
            task=task,
            kind=TaskEvent.Kind.ESCALATED,
            organisation=task.assigned_organisation,
            note=f"{reason}; sent to {to}",
        )
        record_event(
            actor=Actor.system(),
            action=Action.TASK_ESCALATE,
            patient=task.enrolment.patient,
            obj=task,
            reason=f"{reason}; level {task.escalation}",
        )
        return 1


def _tell(task: Task, reason: str) -> str:
    """Alert and email the next in line; say who it was."""
    enrolment = task.enrolment
    message = f"{task.get_kind_display()} {reason}: {task.title}"
    personalisation = {"title": task.title, "reason": reason, "link": task_link(task)}
    key = f"task:{task.public_id}:escalated:{task.escalation}"
    if task.escalation == Task.Escalation.KEY_WORKER:
        person, organisation = enrolment.key_worker, enrolment.key_worker_organisation
        label = "the key worker"
    else:
        lead = (
            CareTeamMember.objects.select_related("user", "organisation")
            .filter(enrolment=enrolment, is_lead=True, removed_at__isnull=True)
            .first()
        )
        if lead is None:
            person, organisation = enrolment.key_worker, enrolment.key_worker_organisation
        else:
            person, organisation = lead.user, lead.organisation
        label = "the care team's lead"
    if person is not None:
        alert_person(
            user=person,
            organisation=organisation,
            kind=Alert.Kind.TASK_ESCALATED,
            message=message,
            reference=task.public_id,
            link=personalisation["link"],
        )
        send_email(
            key=key, to=person.email, template="task-escalated", personalisation=personalisation
        )
    else:
        raise_alert(
            organisations=[organisation],
            kind=Alert.Kind.TASK_ESCALATED,
            message=message,
            reference=task.public_id,
            link=personalisation["link"],
        )
    return label
