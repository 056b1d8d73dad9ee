"""Enrolling a patient on the care tracker, and keeping their care team. A practice enrols
its patient with their care-tracker consent; the team is drawn from several organisations,
each with a role, one of them leading; one person is the key worker."""

from django.utils import timezone

from caretracker.models import CareTeamMember, Enrolment
from governance.access import Purpose, decide_then
from governance.actions import Action
from governance.audit import Actor
from governance.models import Consent
from patients.models import Patient
from practices.models import Organisation


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
