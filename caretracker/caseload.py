"""Caseloads: the enrolled patients a person co-ordinates as key worker, and those on whose
care team their organisation sits (a care home's residents, a district nursing team's
patients), each with what needs doing. A handful of queries however many patients."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from caretracker.models import CarePlan, Encounter, Enrolment, EscalationPlan, Task
from governance.access import Purpose, visible
from governance.audit import Actor
from patients.models import Patient

_OPEN = Task.OPEN_STATUSES
REVIEW_SOON = datetime.timedelta(days=14)
LIMIT = 200


@dataclass(frozen=True)
class CaseloadRow:
    patient: Patient
    enrolment: Enrolment
    is_key_worker: bool
    open_tasks: int
    overdue_tasks: int
    to_accept: int
    next_review: datetime.date | None  # set when a plan's review falls due within 14 days
    last_contact: datetime.datetime | None  # the latest A&E, out-of-hours or other contact


def caseload_rows(actor: Actor, *, now: datetime.datetime) -> list[CaseloadRow]:
    organisation = actor.membership.organisation
    enrolments = visible(
        actor,
        Purpose.CARE_TRACKER,
        Enrolment.objects.filter(ended_at__isnull=True).filter(
            Q(key_worker=actor.user)
            | Q(team__organisation=organisation, team__removed_at__isnull=True)
        ),
    ).distinct()
    enrolments = list(
        enrolments.select_related("patient", "care_home")
        .annotate(
            open_tasks=Count("tasks", filter=Q(tasks__status__in=_OPEN), distinct=True),
            overdue_tasks=Count(
                "tasks", filter=Q(tasks__status__in=_OPEN, tasks__due_at__lt=now), distinct=True
            ),
            to_accept=Count(
                "tasks",
                filter=Q(
                    tasks__status=Task.Status.OFFERED, tasks__assigned_organisation=organisation
                ),
                distinct=True,
            ),
        )
        .order_by("patient__family_name", "patient__given_name")[:LIMIT]
    )
    ids = [e.pk for e in enrolments]
    reviews: dict[int, datetime.date] = {}
    for model in (CarePlan, EscalationPlan):
        # The latest version of each plan holds the review date that counts.
        latest = model.objects.filter(enrolment_id__in=ids).order_by("enrolment_id", "-number")
        seen = set()
        for enrolment_id, due in latest.values_list("enrolment_id", "review_due"):
            if enrolment_id in seen:
                continue
            seen.add(enrolment_id)
            if due <= (now + REVIEW_SOON).date():
                reviews[enrolment_id] = min(due, reviews.get(enrolment_id, due))
    contacts = dict(
        Encounter.objects.filter(patient_id__in=[e.patient_id for e in enrolments])
        .values("patient_id")
        .annotate(last=Max("occurred_at"))
        .values_list("patient_id", "last")
    )
    return [
        CaseloadRow(
            patient=e.patient,
            enrolment=e,
            is_key_worker=e.key_worker_id == actor.user.pk,
            open_tasks=e.open_tasks,
            overdue_tasks=e.overdue_tasks,
            to_accept=e.to_accept,
            next_review=reviews.get(e.pk),
            last_contact=contacts.get(e.patient_id),
        )
        for e in enrolments
    ]
