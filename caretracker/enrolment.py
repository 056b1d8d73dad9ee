"""Enrolling a patient on the care tracker, and keeping their care team. A practice enrols
its patient with their care-tracker consent; the team is drawn from several organisations,
each with a role, one of them leading; one person is the key worker."""

from django.utils import timezone

from caretracker.models import CareTeamMember, Enrolment, Task, TaskEvent
from governance.access import Purpose, decide_then
from governance.actions import Action
from governance.alerts import resolve_alerts
from governance.audit import Actor
from governance.models import Alert, Consent
from governance.permissions import Perm, permissions_for_role
from patients.models import Patient
from practices.models import Membership, Organisation
from practices.roles import Role

TASK_ALERT_KINDS = (Alert.Kind.TASK_ASSIGNED, Alert.Kind.TASK_ESCALATED)


class EnrolmentRefused(Exception):
    """The enrolment or team change cannot be made: the message says why."""


def _consented(patient: Patient) -> bool:
    latest = Consent.objects.filter(patient=patient, scope=Consent.Scope.CARE_TRACKER).first()
    return latest is not None and latest.state == Consent.State.GIVEN


def enrol(
    *,
    by: Actor,
    patient: Patient,
    care_home: Organisation | None = None,
    role: str = CareTeamMember.Role.GP,
) -> Enrolment:
    """Enrol the patient with the enrolling person as key worker and their organisation
    leading the team; the care home, if any, joins the team."""
    if not _consented(patient):
        raise EnrolmentRefused("Record the patient's consent to the care tracker first.")
    if Enrolment.objects.filter(patient=patient, ended_at__isnull=True).exists():
        raise EnrolmentRefused("The patient is already on the care tracker.")
    if care_home is not None and care_home.kind != Organisation.Kind.CARE_HOME:
        raise EnrolmentRefused("Choose a care home.")
    organisation = by.membership.organisation

    def create() -> Enrolment:
        enrolment = Enrolment.objects.create(
            patient=patient,
            practice=patient.registered_practice,
            care_home=care_home,
            key_worker=by.user,
            key_worker_organisation=organisation,
            enrolled_by=by.user,
        )
        CareTeamMember.objects.create(
            enrolment=enrolment,
            organisation=organisation,
            user=by.user,
            role=role,
            is_lead=True,
            added_by=by.user,
        )
        if care_home is not None:
            CareTeamMember.objects.create(
                enrolment=enrolment,
                organisation=care_home,
                role=CareTeamMember.Role.CARE_HOME,
                added_by=by.user,
            )
        return enrolment

    return decide_then(by, patient, Purpose.CARE_TRACKER, action=Action.CARE_ENROL, then=create)


def add_to_team(
    *, by: Actor, enrolment: Enrolment, organisation: Organisation, role: str, user=None
) -> CareTeamMember:
    if user is not None and not user.memberships.live().filter(organisation=organisation).exists():
        raise EnrolmentRefused("That person does not work there.")
    if CareTeamMember.objects.filter(
        enrolment=enrolment, organisation=organisation, user=user, removed_at__isnull=True
    ).exists():
        raise EnrolmentRefused("They are on the care team already.")

    def add() -> CareTeamMember:
        return CareTeamMember.objects.create(
            enrolment=enrolment, organisation=organisation, user=user, role=role, added_by=by.user
        )

    return decide_then(
        by, enrolment.patient, Purpose.CARE_TRACKER, action=Action.CARE_TEAM_CHANGE, then=add
    )


def remove_from_team(*, by: Actor, member: CareTeamMember) -> None:
    if member.is_lead:
        raise EnrolmentRefused("The team's lead stays on the team.")

    def remove() -> None:
        CareTeamMember.objects.filter(pk=member.pk).update(removed_at=timezone.now())

    decide_then(
        by,
        member.enrolment.patient,
        Purpose.CARE_TRACKER,
        action=Action.CARE_TEAM_CHANGE,
        then=remove,
    )


def key_worker_candidates(enrolment: Enrolment):
    """Who may become key worker: people using the care tracker at an organisation on the
    care team, other than the key worker now."""
    roles = [role for role in Role if Perm.USE_CARE_TRACKER in permissions_for_role(role)]
    organisations = CareTeamMember.objects.filter(
        enrolment=enrolment, removed_at__isnull=True
    ).values("organisation")
    return (
        Membership.objects.live()
        .filter(organisation__in=organisations, role__in=roles)
        .exclude(user=enrolment.key_worker, organisation=enrolment.key_worker_organisation)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name", "user__first_name")
    )


def change_key_worker(*, by: Actor, enrolment: Enrolment, membership: Membership) -> None:
    """Make the person the patient's key worker, for the organisation they work for on the
    team: escalations, reviews and contact alerts go to them from now."""
    if not key_worker_candidates(enrolment).filter(pk=membership.pk).exists():
        raise EnrolmentRefused(
            "The key worker must use the care tracker at an organisation on the care team."
        )

    def change() -> None:
        Enrolment.objects.filter(pk=enrolment.pk).update(
            key_worker=membership.user, key_worker_organisation=membership.organisation
        )

    decide_then(
        by,
        enrolment.patient,
        Purpose.CARE_TRACKER,
        action=Action.CARE_TEAM_CHANGE,
        obj=enrolment,
        reason="key worker changed",
        then=change,
    )


def end_enrolment(*, by: Actor, enrolment: Enrolment, reason: str) -> None:
    """Take the patient off the care tracker: the record closes (it stays readable in the
    audit trail and their practice's system) and open tasks are cancelled."""
    if not reason.strip():
        raise EnrolmentRefused("Say why the patient is leaving the care tracker.")
    if by.membership.organisation.pk != enrolment.practice_id:
        raise EnrolmentRefused("Only the patient's practice can end their enrolment.")

    def end() -> None:
        now = timezone.now()
        ended = Enrolment.objects.filter(pk=enrolment.pk, ended_at__isnull=True).update(
            ended_at=now, ended_by=by.user, end_reason=reason.strip()[:200]
        )
        if not ended:
            raise EnrolmentRefused("The enrolment has ended already.")
        for task in Task.objects.filter(enrolment=enrolment, status__in=Task.OPEN_STATUSES):
            Task.objects.filter(pk=task.pk).update(status=Task.Status.CANCELLED, updated_at=now)
            TaskEvent.objects.create(
                task=task,
                kind=TaskEvent.Kind.CANCELLED,
                by=by.user,
                organisation=by.membership.organisation,
                note="The patient left the care tracker",
            )
            resolve_alerts(reference=task.public_id, kinds=TASK_ALERT_KINDS)

    decide_then(
        by,
        enrolment.patient,
        Purpose.CARE_TRACKER,
        action=Action.CARE_DISCHARGE,
        obj=enrolment,
        reason=reason.strip()[:200],
        then=end,
    )
