"""A place on a patient's care team, as a basis for the care tracker: the organisations the
patient's practice put on the team when it enrolled them (a care home sees its residents,
a district nursing team its caseload). Registered with governance's rules when the app
starts; counts only with the patient's care-tracker consent (the rules check that)."""

from collections.abc import Iterable

from django.db.models import QuerySet

from caretracker.models import CareTeamMember
from governance.access import TeamSource
from practices.models import Organisation


def _live_places(organisation: Organisation) -> QuerySet[CareTeamMember]:
    return CareTeamMember.objects.filter(
        organisation=organisation,
        removed_at__isnull=True,
        enrolment__ended_at__isnull=True,
    )


def members(organisation: Organisation, patient_ids: Iterable[int]) -> set[int]:
    return set(
        _live_places(organisation)
        .filter(enrolment__patient_id__in=list(patient_ids))
        .values_list("enrolment__patient_id", flat=True)
    )


def patients_on_teams_of(organisation: Organisation) -> QuerySet:
    return _live_places(organisation).values("enrolment__patient")


CARE_TEAM = TeamSource(members=members, patients=patients_on_teams_of)
