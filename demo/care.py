"""The demo's care tracker: Beechwood Care Home's residents, registered at Riverside Medical
Centre, enrolled with their consent; a care team across six organisations; care and
escalation plans; tasks waiting to be accepted, accepted, overdue and escalated; a rapid
response referral on its clock; and last night's out-of-hours contact."""

import datetime

from django.utils import timezone

from caretracker import task_services
from caretracker.encounters import log_encounter
from caretracker.escalation import escalate_tasks
from caretracker.models import CarePlan, CareTeamMember, Encounter, Enrolment, EscalationPlan, Task
from governance.audit import Actor
from governance.models import Consent
from patients.models import Patient
from practices.models import Membership, Organisation

PRACTICE, HUB, CARE_HOME, NURSING, FRAILTY, SOCIAL_CARE = (
    "A99001",
    "U99001",
    "VZZ01",
    "RZZ02",
    "RZZ03",
    "LZZ01",
)
RESIDENTS = 6
Role = CareTeamMember.Role


def _actor(user, organisation: Organisation) -> Actor:
    membership = Membership.objects.get(user=user, organisation=organisation)
    return Actor(user=user, membership=membership, request_id="demo")


def load_care(organisations: dict[str, Organisation], users: dict, admin) -> None:
    practice, hub, home = (organisations[c] for c in (PRACTICE, HUB, CARE_HOME))
    gp, coordinator = users["gp.clinician"], users["care.coordinator"]
    residents = list(
        Patient.objects.filter(registered_practice=practice, is_sensitive=False).order_by(
            "-date_of_birth"
        )[:RESIDENTS]
    )
    today = timezone.localdate()
    enrolments = []
    for index, patient in enumerate(residents):
        Consent.objects.create(
            patient=patient,
            scope=Consent.Scope.CARE_TRACKER,
            state=Consent.State.GIVEN,
            method=Consent.Method.WRITTEN,
            recorded_by=gp,
            recorded_by_organisation=practice,
            recorded_at=timezone.now() - datetime.timedelta(days=60),
        )
        enrolment = Enrolment.objects.create(
            patient=patient,
            practice=practice,
            care_home=home,
            key_worker=coordinator,
            key_worker_organisation=hub,
            enrolled_by=gp,
        )
        team = [
            (practice, Role.GP, gp, True),
            (hub, Role.CARE_COORDINATION, coordinator, False),
            (home, Role.CARE_HOME, users["care.home"], False),
            (organisations[NURSING], Role.DISTRICT_NURSING, users["district.nurse"], False),
        ]
        if index == 0:
            team += [
                (organisations[FRAILTY], Role.HOSPITAL, None, False),
                (organisations[SOCIAL_CARE], Role.SOCIAL_CARE, None, False),
            ]
        for organisation, role, person, lead in team:
            CareTeamMember.objects.create(
                enrolment=enrolment,
                organisation=organisation,
                user=person,
                role=role,
                is_lead=lead,
                added_by=gp,
            )
        _plans(enrolment, gp, practice, today, index)
        enrolments.append(enrolment)
    _tasks(enrolments, organisations, users)
    ooh = organisations["NZZ01"]
    log_encounter(
        by=_actor(users["ooh.clinician"], ooh),
        patient=enrolments[0].patient,
        kind=Encounter.Kind.OUT_OF_HOURS,
        occurred_at=timezone.now() - datetime.timedelta(hours=9),
        presenting_reason="Fever and confusion overnight; urine infection suspected",
        outcome=Encounter.Outcome.ADVICE,
        notes="Antibiotics started; GP review today",
    )


def _plans(enrolment, gp, practice, today, index) -> None:
    versions = 2 if index == 0 else 1
    for number in range(1, versions + 1):
        CarePlan.objects.create(
            enrolment=enrolment,
            number=number,
            review_due=today + datetime.timedelta(days=5 if index == 1 else 60),
            changed_by=gp,
            changed_by_organisation=practice,
            change_note="First plan" if number == 1 else "Mobility worse since the fall",
            summary="Lives with vascular dementia. Enjoys music and the garden.",
            needs="Help with washing and dressing; walks with a frame"
            + ("; two carers to transfer" if number == 2 else ""),
            goals="Stay at Beechwood, out of hospital, as independent as possible",
            actions="Weekly GP ward round; district nurse for leg dressings twice a week",
        )
    EscalationPlan.objects.create(
        enrolment=enrolment,
        number=1,
        review_due=today + datetime.timedelta(days=90),
        changed_by=gp,
        changed_by_organisation=practice,
        change_note="Agreed with the resident and her daughter",
        when_deteriorating="Treat at Beechwood where possible: GP in hours, out of hours "
        "otherwise. Hospital only for a suspected fracture or if she asks.",
        who_to_call="1. Daughter, 07700 900123. 2. Beechwood manager. 3. Riverside GP.",
        preferences="Wishes to die at Beechwood, with music playing",
        resuscitation=(
            EscalationPlan.Resuscitation.DNACPR
            if index % 2 == 0
            else EscalationPlan.Resuscitation.FOR_CPR
        ),
        resuscitation_recorded_in="ReSPECT form, in her room and at Riverside",
    )


def _tasks(enrolments, organisations, users) -> None:
    practice, home = organisations[PRACTICE], organisations[CARE_HOME]
    anp = _actor(users["gp.clinician"], practice)
    carer = _actor(users["care.home"], home)
    hours = datetime.timedelta(hours=1)
    waiting = task_services.send_task(
        by=anp,
        enrolment=enrolments[0],
        to=home,
        title="Start a fluid chart for three days",
        due_at=timezone.now() + 20 * hours,
    )
    accepted = task_services.send_task(
        by=anp,
        enrolment=enrolments[1],
        to=home,
        title="Weigh weekly and record",
        due_at=timezone.now() + 72 * hours,
    )
    task_services.accept_task(by=carer, task=accepted)
    overdue = task_services.send_task(
        by=anp,
        enrolment=enrolments[2],
        to=home,
        title="Book hearing test",
        due_at=timezone.now() + hours,
    )
    # Sent yesterday, due this morning, and nobody has taken it: the job escalates it.
    Task.objects.filter(pk=overdue.pk).update(
        due_at=timezone.now() - 3 * hours, updated_at=timezone.now() - 20 * hours
    )
    Task.objects.filter(pk=waiting.pk).update(updated_at=timezone.now() - 2 * hours)
    task_services.send_task(
        by=anp,
        enrolment=enrolments[3],
        to=organisations[NURSING],
        person=users["district.nurse"],
        title="Fall with a skin tear to the shin: assess and dress",
        kind=Task.Kind.RAPID_RESPONSE,
    )
    escalate_tasks()
