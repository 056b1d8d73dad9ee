"""Tasks between the organisations of a patient's care team: sent, accepted (until then the
task is not taken), handed back with a note, completed or cancelled. Each change is a
TaskEvent and an audit event in one transaction; the receiving team is alerted and emailed,
naming no patient."""

import datetime

from django.urls import reverse
from django.utils import timezone

from caretracker.models import CareTeamMember, Enrolment, Task, TaskEvent
from governance.access import Purpose, decide_then
from governance.actions import Action
from governance.alerts import alert_person, raise_alert, resolve_alerts
from governance.audit import Actor
from governance.models import Alert
from notifications.services import send_email

# The urgent community response standard: a rapid response within two hours of referral.
RAPID_RESPONSE_WITHIN = datetime.timedelta(hours=2)


class TaskRefused(Exception):
    """The task cannot be changed that way: the message says why."""


def task_link(task: Task) -> str:
    return reverse("caretracker:task", kwargs={"task_id": task.public_id})


def send_task(
    *,
    by: Actor,
    enrolment: Enrolment,
    to,
    title: str,
    details: str = "",
    due_at: datetime.datetime | None = None,
    kind: str = Task.Kind.TASK,
    person=None,
) -> Task:
    """Ask an organisation on the patient's care team (or one person there) to do something.
    A rapid response referral is due two hours from now, whatever is asked."""
    now = timezone.now()
    if kind == Task.Kind.RAPID_RESPONSE:
        due_at = now + RAPID_RESPONSE_WITHIN
    if due_at is None or due_at <= now:
        raise TaskRefused("Give a due time in the future.")
    if not CareTeamMember.objects.filter(
        enrolment=enrolment, organisation=to, removed_at__isnull=True
    ).exists():
        raise TaskRefused("Tasks go to organisations on the patient's care team.")
    if person is not None and not person.memberships.live().filter(organisation=to).exists():
        raise TaskRefused("That person does not work there.")

    def create() -> Task:
        task = Task.objects.create(
            enrolment=enrolment,
            kind=kind,
            title=title,
            details=details,
            from_organisation=by.membership.organisation,
            created_by=by.user,
            assigned_organisation=to,
            assigned_user=person,
            due_at=due_at,
        )
        _event(task, TaskEvent.Kind.CREATED, by)
        _tell_the_receiver(task)
        return task

    return decide_then(
        by, enrolment.patient, Purpose.CARE_TRACKER, action=Action.TASK_CREATE, then=create
    )


def accept_task(*, by: Actor, task: Task) -> Task:
    _require_receiver(by, task)
    return _change(by, task, Action.TASK_ACCEPT, TaskEvent.Kind.ACCEPTED, _accept)


def hand_back_task(*, by: Actor, task: Task, note: str) -> Task:
    """Give the task back to whoever sent it, saying why: it is theirs again to re-send."""
    _require_receiver(by, task)
    if not note.strip():
        raise TaskRefused("Say why you are handing the task back.")

    def hand_back(task: Task, by: Actor) -> None:
        task.status = Task.Status.HANDED_BACK
        task.assigned_organisation = task.from_organisation
        task.assigned_user = task.created_by
        task.accepted_by, task.accepted_at = None, None

    return _change(by, task, Action.TASK_HAND_BACK, TaskEvent.Kind.HANDED_BACK, hand_back, note)


def complete_task(*, by: Actor, task: Task, note: str = "") -> Task:
    _require_receiver(by, task)
    if task.status != Task.Status.ACCEPTED:
        raise TaskRefused("Accept the task before completing it.")

    def complete(task: Task, by: Actor) -> None:
        task.status = Task.Status.COMPLETED
        task.completed_at = timezone.now()

    return _change(by, task, Action.TASK_COMPLETE, TaskEvent.Kind.COMPLETED, complete, note)


def _accept(task: Task, by: Actor) -> None:
    if task.status != Task.Status.OFFERED:
        raise TaskRefused("Only a task waiting to be accepted can be accepted.")
    task.status = Task.Status.ACCEPTED
    task.accepted_by = by.user
    task.accepted_at = timezone.now()


def _require_receiver(by: Actor, task: Task) -> None:
    if not task.is_open:
        raise TaskRefused("This task is closed.")
    if by.membership is None or by.membership.organisation_id != task.assigned_organisation_id:
        raise TaskRefused("Only the team the task was sent to can do that.")


def _change(by: Actor, task: Task, action: Action, kind: str, apply, note: str = "") -> Task:
    def change() -> Task:
        locked = Task.objects.select_for_update().get(pk=task.pk)
        if locked.status != task.status:
            raise TaskRefused("Someone else changed this task; look again.")
        apply(locked, by)
        locked.save()
        _event(locked, kind, by, note)
        if kind == TaskEvent.Kind.ACCEPTED:
            resolve_alerts(
                reference=locked.public_id,
                kinds=[Alert.Kind.TASK_ASSIGNED, Alert.Kind.TASK_ESCALATED],
            )
        if kind == TaskEvent.Kind.HANDED_BACK:
            _tell_the_receiver(locked)
        if kind == TaskEvent.Kind.COMPLETED:
            resolve_alerts(reference=locked.public_id, kinds=[Alert.Kind.TASK_ESCALATED])
        return locked

    # decide_then holds the change and its decision in one transaction; a refusal's audit
    # event commits on its own, so nothing here may wrap it in an outer one.
    return decide_then(by, task.enrolment.patient, Purpose.CARE_TRACKER, action=action, then=change)


def _event(task: Task, kind: str, by: Actor | None, note: str = "") -> TaskEvent:
    organisation = (
        by.membership.organisation if by and by.membership else task.assigned_organisation
    )
    return TaskEvent.objects.create(
        task=task,
        kind=kind,
        by=by.user if by else None,
        organisation=organisation,
        note=note[:500],
    )


def _tell_the_receiver(task: Task) -> None:
    """Alert the team (or the named person) the task is now with, and email them."""
    message = f"{task.get_kind_display()}: {task.title}"
    link = task_link(task)
    if task.assigned_user is not None:
        alert_person(
            user=task.assigned_user,
            organisation=task.assigned_organisation,
            kind=Alert.Kind.TASK_ASSIGNED,
            message=message,
            reference=task.public_id,
            link=link,
        )
        recipients = {task.assigned_user.email}
    else:
        raise_alert(
            organisations=[task.assigned_organisation],
            kind=Alert.Kind.TASK_ASSIGNED,
            message=message,
            reference=task.public_id,
            link=link,
        )
        # The people named on the care team for that organisation.
        recipients = set(
            CareTeamMember.objects.filter(
                enrolment=task.enrolment,
                organisation=task.assigned_organisation,
                removed_at__isnull=True,
                user__isnull=False,
            ).values_list("user__email", flat=True)
        )
    handed = task.events.count()  # a task handed back and re-sent is a new message
    for address in sorted(filter(None, recipients)):
        send_email(
            key=f"task:{task.public_id}:assigned:{handed}:{address}",
            to=address,
            template="task-assigned",
            personalisation={
                "title": task.title,
                "team": task.assigned_organisation.name,
                "due": timezone.localtime(task.due_at).strftime("%-d %b %H:%M"),
                "link": link,
            },
        )


def resend_task(*, by: Actor, task: Task, to, person=None) -> Task:
    """Send a handed-back task on again, to the same team or another on the care team."""
    _require_receiver(by, task)
    if task.status != Task.Status.HANDED_BACK:
        raise TaskRefused("Only a task handed back can be sent on again.")
    if not CareTeamMember.objects.filter(
        enrolment=task.enrolment, organisation=to, removed_at__isnull=True
    ).exists():
        raise TaskRefused("Tasks go to organisations on the patient's care team.")

    def resend(task: Task, by: Actor) -> None:
        task.status = Task.Status.OFFERED
        task.assigned_organisation = to
        task.assigned_user = person
        task.escalation = Task.Escalation.NONE

    return _change(by, task, Action.TASK_CREATE, TaskEvent.Kind.REASSIGNED, resend)
