"""One vocabulary of permissions, the role → permission map, and the only guardian calls.

Object permissions are held per user on the organisation they work for, kept in step with
their membership by `sync_membership_permissions`. A permission counts only while the
membership is live (active, and within its dates), checked afresh on every call.
"""

from enum import StrEnum

from django.contrib.contenttypes.models import ContentType
from guardian.core import ObjectPermissionChecker
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from core.db import prepared_cursor
from practices.models import Membership, Organisation
from practices.roles import Role


class Perm(StrEnum):
    VIEW_ORGANISATION_DETAILS = "practices.view_organisation_details"
    MANAGE_SITES = "practices.manage_sites"
    MANAGE_CLINICIANS = "practices.manage_clinicians"
    MANAGE_STAFF = "practices.manage_staff"
    VIEW_REGISTERED_PATIENTS = "practices.view_registered_patients"
    MANAGE_REGISTERED_PATIENTS = "practices.manage_registered_patients"
    BOOK_FOR_PATIENTS = "practices.book_for_patients"
    MANAGE_SESSIONS = "practices.manage_sessions"
    VIEW_PATIENT_RECORDS = "practices.view_patient_records"
    USE_CARE_TRACKER = "practices.use_care_tracker"
    MANAGE_CARE_PLANS = "practices.manage_care_plans"
    USE_CARE_DIARY = "practices.use_care_diary"
    RECORD_CONSENT = "practices.record_consent"
    BREAK_GLASS = "practices.break_glass"
    MANAGE_AGREEMENTS = "practices.manage_agreements"
    GRANT_ACCESS = "practices.grant_access"
    REVIEW_ACCESS = "practices.review_access"
    VIEW_REPORTS = "practices.view_reports"

    @property
    def codename(self) -> str:
        return self.value.split(".", 1)[1]


P = Perm
ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.PRACTICE_MANAGER: frozenset(
        {
            P.VIEW_ORGANISATION_DETAILS,
            P.VIEW_REPORTS,
            P.MANAGE_SITES,
            P.MANAGE_CLINICIANS,
            P.MANAGE_STAFF,
            P.VIEW_REGISTERED_PATIENTS,
            P.MANAGE_REGISTERED_PATIENTS,
            P.BOOK_FOR_PATIENTS,
            P.VIEW_PATIENT_RECORDS,
            P.RECORD_CONSENT,
            P.MANAGE_AGREEMENTS,
            P.GRANT_ACCESS,
            P.MANAGE_SESSIONS,
        }
    ),
    Role.PRACTICE_RECEPTIONIST: frozenset(
        {
            P.MANAGE_SESSIONS,
            P.VIEW_ORGANISATION_DETAILS,
            P.VIEW_REGISTERED_PATIENTS,
            P.MANAGE_REGISTERED_PATIENTS,
            P.BOOK_FOR_PATIENTS,
            P.VIEW_PATIENT_RECORDS,
            P.RECORD_CONSENT,
        }
    ),
    Role.HUB_MANAGER: frozenset(
        {
            P.VIEW_ORGANISATION_DETAILS,
            P.VIEW_REPORTS,
            P.MANAGE_SITES,
            P.MANAGE_CLINICIANS,
            P.MANAGE_STAFF,
            P.BOOK_FOR_PATIENTS,
            P.MANAGE_AGREEMENTS,
            P.GRANT_ACCESS,
        }
    ),
    Role.HUB_RECEPTIONIST: frozenset({P.VIEW_ORGANISATION_DETAILS, P.BOOK_FOR_PATIENTS}),
    Role.URGENT_CARE_CLINICIAN: frozenset(
        {
            P.VIEW_ORGANISATION_DETAILS,
            P.BOOK_FOR_PATIENTS,
            P.VIEW_PATIENT_RECORDS,
            P.USE_CARE_DIARY,
            P.USE_CARE_TRACKER,
            P.BREAK_GLASS,
        }
    ),
    Role.CLINICIAN: frozenset(
        {
            P.VIEW_ORGANISATION_DETAILS,
            P.VIEW_REGISTERED_PATIENTS,
            P.VIEW_PATIENT_RECORDS,
            P.BOOK_FOR_PATIENTS,
            P.RECORD_CONSENT,
            P.USE_CARE_TRACKER,
            P.MANAGE_CARE_PLANS,
            P.USE_CARE_DIARY,
            P.BREAK_GLASS,
        }
    ),
    Role.CARE_COORDINATOR: frozenset(
        {
            P.VIEW_ORGANISATION_DETAILS,
            P.VIEW_REGISTERED_PATIENTS,
            P.VIEW_PATIENT_RECORDS,
            P.USE_CARE_TRACKER,
            P.MANAGE_CARE_PLANS,
            P.RECORD_CONSENT,
        }
    ),
    # Community and care partners work on the care tracker for the patients they care for.
    Role.DISTRICT_NURSE: frozenset(
        {P.VIEW_ORGANISATION_DETAILS, P.VIEW_PATIENT_RECORDS, P.USE_CARE_TRACKER}
    ),
    Role.CARE_HOME_STAFF: frozenset({P.VIEW_ORGANISATION_DETAILS, P.USE_CARE_TRACKER}),
    Role.SOCIAL_WORKER: frozenset({P.VIEW_ORGANISATION_DETAILS, P.USE_CARE_TRACKER}),
    Role.HOSPITAL_CLINICIAN: frozenset(
        {
            P.VIEW_ORGANISATION_DETAILS,
            P.VIEW_PATIENT_RECORDS,
            P.USE_CARE_TRACKER,
            P.BREAK_GLASS,
        }
    ),
    Role.IG_LEAD: frozenset(
        {
            P.VIEW_ORGANISATION_DETAILS,
            P.VIEW_REPORTS,
            P.VIEW_REGISTERED_PATIENTS,
            P.VIEW_PATIENT_RECORDS,
            P.RECORD_CONSENT,
            P.MANAGE_AGREEMENTS,
            P.GRANT_ACCESS,
            P.REVIEW_ACCESS,
        }
    ),
}
del P


def permissions_for_role(role: str) -> frozenset[Perm]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def sync_membership_permissions(*, user, organisation: Organisation, role: str | None) -> None:
    """Make the user's object permissions on the organisation exactly those of `role`.

    `role=None` removes them all (membership ended).
    """
    wanted = permissions_for_role(role) if role else frozenset()
    held = set(ObjectPermissionChecker(user).get_user_perms(organisation))
    for perm in Perm:
        if perm in wanted and perm.codename not in held:
            assign_perm(perm.value, user, organisation)
        elif perm not in wanted and perm.codename in held:
            remove_perm(perm.value, user, organisation)


def org_permissions(user, organisation: Organisation | None) -> frozenset[Perm]:
    """Everything the user may do at this organisation right now. Never cached."""
    if organisation is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if not Membership.objects.live().filter(user=user, organisation=organisation).exists():
        return frozenset()
    held = set(ObjectPermissionChecker(user).get_user_perms(organisation))
    return frozenset(perm for perm in Perm if perm.codename in held)


def membership_permissions(user, membership: Membership | None) -> frozenset[Perm]:
    """`org_permissions` at the organisation of a membership read in this request (so
    known to be the user's): nothing once it has ended, otherwise one query."""
    if membership is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if membership.user_id != user.pk or not membership.is_live():
        return frozenset()
    if user.is_superuser:  # guardian grants superusers everything: keep its answer
        return org_permissions(user, membership.organisation)
    with prepared_cursor() as cursor:
        cursor.execute(
            _HELD_AT,
            [
                user.pk,
                ContentType.objects.get_for_model(Organisation).pk,
                str(membership.organisation_id),
            ],
        )
        held = {codename for (codename,) in cursor.fetchall()}
    return frozenset(perm for perm in Perm if perm.codename in held)


# guardian's user object permissions on one organisation, as get_user_perms reads them:
# asked on every request, so written out (the ORM's version cost three times the query).
_HELD_AT = f"""
SELECT p.codename
FROM {UserObjectPermission._meta.db_table} u
JOIN auth_permission p ON p.id = u.permission_id
WHERE u.user_id = %s AND u.content_type_id = %s AND u.object_pk = %s
"""  # noqa: S608 (a table name from the model)


def has_org_permission(user, perm: Perm, organisation: Organisation | None) -> bool:
    return perm in org_permissions(user, organisation)
