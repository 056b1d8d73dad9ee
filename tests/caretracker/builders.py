"""Patients on the care tracker, for tests: an enrolment made directly, with the patient's
care-tracker consent, a key worker and a care team."""

import datetime

from django.utils import timezone

from caretracker.models import CarePlan, CareTeamMember, Enrolment, EscalationPlan
from governance.models import Consent
from practices.roles import Role
from tests.factories import PatientFactory, staff


def enrolment_at(
    practice,
    *,
    patient=None,
    key_worker=None,
    team=(),
    care_home=None,
    consent: str | None = Consent.State.GIVEN,
) -> Enrolment:
    """Enrol a patient of `practice` (a new one unless given). `team`: (organisation, role)
    pairs besides the practice; the practice leads it."""
    patient = patient or PatientFactory(registered_practice=practice)
    key_worker = key_worker or staff(practice, Role.CARE_COORDINATOR)
    if consent is not None:
        Consent.objects.create(
            patient=patient,
            scope=Consent.Scope.CARE_TRACKER,
            state=consent,
            method=Consent.Method.VERBAL,
            recorded_by=key_worker,
            recorded_at=timezone.now(),
        )
    enrolment = Enrolment.objects.create(
        patient=patient,
        practice=practice,
        care_home=care_home,
        key_worker=key_worker,
        key_worker_organisation=practice,
        enrolled_by=key_worker,
    )
    members = [(practice, CareTeamMember.Role.GP, True)]
    members += [(organisation, role, False) for organisation, role in team]
    for organisation, role, lead in members:
        CareTeamMember.objects.create(
            enrolment=enrolment,
            organisation=organisation,
            role=role,
            is_lead=lead,
            added_by=key_worker,
        )
    return enrolment


def escalation_plan_for(enrolment: Enrolment, *, by=None, number: int = 1) -> EscalationPlan:
    by = by or enrolment.key_worker
    return EscalationPlan.objects.create(
        enrolment=enrolment,
        number=number,
        review_due=timezone.localdate() + datetime.timedelta(days=90),
        changed_by=by,
        changed_by_organisation=enrolment.practice,
        when_deteriorating="Call the GP in hours, out of hours otherwise; hospital for a fracture",
        who_to_call="Daughter first, then the care home manager",
        preferences="Wishes to stay at the care home",
        resuscitation=EscalationPlan.Resuscitation.DNACPR,
        resuscitation_recorded_in="ReSPECT form",
    )


def care_plan_for(enrolment: Enrolment, *, by=None, number: int = 1) -> CarePlan:
    by = by or enrolment.key_worker
    return CarePlan.objects.create(
        enrolment=enrolment,
        number=number,
        review_due=timezone.localdate() + datetime.timedelta(days=30),
        changed_by=by,
        changed_by_organisation=enrolment.practice,
        summary="Lives with dementia; mobile with a frame",
        change_note="First plan" if number == 1 else f"Version {number}",
    )


def task_for(enrolment: Enrolment, to, *, by=None, kind: str = "task", hours: float = 4):
    """A task sent from the practice to `to` (on the team: added if missing)."""
    from caretracker.models import Task, TaskEvent

    by = by or enrolment.key_worker
    if not enrolment.team.filter(organisation=to, removed_at__isnull=True).exists():
        CareTeamMember.objects.create(
            enrolment=enrolment, organisation=to, role=CareTeamMember.Role.OTHER, added_by=by
        )
    task = Task.objects.create(
        enrolment=enrolment,
        kind=kind,
        title="Review pressure areas",
        from_organisation=enrolment.practice,
        created_by=by,
        assigned_organisation=to,
        due_at=timezone.now() + datetime.timedelta(hours=hours),
    )
    TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.CREATED, by=by, organisation=to)
    return task
