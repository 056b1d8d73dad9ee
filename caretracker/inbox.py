"""A person's inbox: the tasks waiting for them or their team, and the ones they sent;
to accept first, then overdue, then the rest. A few queries however many tasks."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from caretracker.models import Task
from governance.access import Purpose, visible
from governance.audit import Actor

LIMIT = 200


@dataclass(frozen=True)
class Inbox:
    to_do: list[Task]  # with me or my team
    sent: list[Task]  # sent by my team, still open

    @property
    def patients(self) -> list:
        return [task.enrolment.patient for task in (*self.to_do, *self.sent)]

    def count(self, now: datetime.datetime) -> tuple[int, int]:
        """Open and overdue, of the tasks to do."""
        return len(self.to_do), sum(1 for task in self.to_do if task.due_at < now)


def _tasks(actor: Actor) -> QuerySet[Task]:
    return visible(
        actor,
        Purpose.CARE_TRACKER,
        Task.objects.select_related(
            "enrolment__patient", "assigned_organisation", "from_organisation", "assigned_user"
        ).filter(status__in=Task.OPEN_STATUSES),
        via="enrolment__patient",
    )


def inbox_for(actor: Actor, *, now: datetime.datetime) -> Inbox:
    organisation = actor.membership.organisation
    mine = Q(assigned_organisation=organisation) & (
        Q(assigned_user__isnull=True) | Q(assigned_user=actor.user)
    )
    to_do = (
        _tasks(actor)
        .filter(mine)
        .annotate(
            order=Case(
                When(status=Task.Status.OFFERED, then=Value(0)),
                When(due_at__lt=now, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("order", "due_at")[:LIMIT]
    )
    sent = _tasks(actor).filter(from_organisation=organisation).exclude(mine).order_by("due_at")
    return Inbox(list(to_do), list(sent[:LIMIT]))
