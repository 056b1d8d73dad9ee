"""What a clinician sees of a patient's care-tracker record at a glance: key worker, team,
the escalation plan (what to do when they deteriorate) and the care plan, with the review
due and open tasks. Through the access door for the care tracker, so it shows only where
the patient's consent and the agreements (or a place on the team) allow."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from caretracker.models import CarePlan, CareTeamMember, Enrolment, EscalationPlan, Task
from governance.access import Purpose, decide
from governance.actions import Action
from governance.audit import Actor
from patients.models import Patient


@dataclass(frozen=True)
class CareSummary:
    enrolment: Enrolment
    team: list[CareTeamMember]
    care_plan: CarePlan | None
    escalation_plan: EscalationPlan | None
    open_tasks: int
    overdue_tasks: int

    @property
    def next_review(self) -> datetime.date | None:
        dates = [p.review_due for p in (self.care_plan, self.escalation_plan) if p is not None]
        return min(dates, default=None)


def open_enrolment(patient: Patient) -> Enrolment | None:
    return (
        Enrolment.objects.select_related(
            "key_worker", "key_worker_organisation", "care_home", "practice"
        )
        .filter(patient=patient, ended_at__isnull=True)
        .first()
    )


def care_summary(actor: Actor, patient: Patient) -> CareSummary | None:
    """The summary, or None when the patient is not enrolled or the actor may not see their
    care record (the decision is audited either way, for an enrolled patient)."""
    enrolment = open_enrolment(patient)
    if enrolment is None:
        return None
    if not decide(actor, patient, Purpose.CARE_TRACKER, action=Action.CARE_VIEW, obj=enrolment):
        return None
    now = timezone.now()
    open_statuses = Task.OPEN_STATUSES
    counts = Task.objects.filter(enrolment=enrolment, status__in=open_statuses).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now))
    )
    team = list(
        CareTeamMember.objects.select_related("organisation", "user")
        .filter(enrolment=enrolment, removed_at__isnull=True)
        .order_by("-is_lead", "role")
    )
    return CareSummary(
        enrolment=enrolment,
        team=team,
        care_plan=CarePlan.objects.filter(enrolment=enrolment).first(),
        escalation_plan=EscalationPlan.objects.filter(enrolment=enrolment).first(),
        open_tasks=counts["open"],
        overdue_tasks=counts["overdue"],
    )
