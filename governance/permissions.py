"""One vocabulary of permissions, the role → permission map, and the only guardian calls.

Object permissions are held per user on the organisation they work for, kept in step with
their membership by `sync_membership_permissions`; views ask `has_org_permission`.
"""

from enum import StrEnum
from typing import Any

from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, remove_perm

from governance.roles import Role


class Perm(StrEnum):
    VIEW_ORGANISATION_DETAILS = "practices.view_organisation_details"
    MANAGE_SITES = "practices.manage_sites"
    MANAGE_CLINICIANS = "practices.manage_clinicians"
    MANAGE_STAFF = "practices.manage_staff"
    VIEW_REGISTERED_PATIENTS = "practices.view_registered_patients"
    MANAGE_REGISTERED_PATIENTS = "practices.manage_registered_patients"

    @property
    def codename(self) -> str:
        return self.value.split(".", 1)[1]


_ALL_STAFF = {Perm.VIEW_ORGANISATION_DETAILS}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.PRACTICE_MANAGER: frozenset(
        _ALL_STAFF
        | {
            Perm.MANAGE_SITES,
            Perm.MANAGE_CLINICIANS,
            Perm.MANAGE_STAFF,
            Perm.VIEW_REGISTERED_PATIENTS,
            Perm.MANAGE_REGISTERED_PATIENTS,
        }
    ),
    Role.PRACTICE_RECEPTIONIST: frozenset(
        _ALL_STAFF | {Perm.VIEW_REGISTERED_PATIENTS, Perm.MANAGE_REGISTERED_PATIENTS}
    ),
    Role.HUB_MANAGER: frozenset(
        _ALL_STAFF | {Perm.MANAGE_SITES, Perm.MANAGE_CLINICIANS, Perm.MANAGE_STAFF}
    ),
    Role.HUB_RECEPTIONIST: frozenset(_ALL_STAFF),
    Role.URGENT_CARE_CLINICIAN: frozenset(_ALL_STAFF),
    Role.CLINICIAN: frozenset(_ALL_STAFF | {Perm.VIEW_REGISTERED_PATIENTS}),
    Role.CARE_COORDINATOR: frozenset(_ALL_STAFF | {Perm.VIEW_REGISTERED_PATIENTS}),
    Role.IG_LEAD: frozenset(_ALL_STAFF | {Perm.VIEW_REGISTERED_PATIENTS}),
}


def permissions_for_role(role: str) -> frozenset[Perm]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def sync_membership_permissions(*, user: Any, organisation: Any, role: str | None) -> None:
    """Make the user's object permissions on the organisation exactly those of `role`.

    `role=None` removes them all (membership ended).
    """
    wanted = permissions_for_role(role) if role else frozenset()
    checker = ObjectPermissionChecker(user)
    held = set(checker.get_user_perms(organisation))
    for perm in Perm:
        if perm in wanted and perm.codename not in held:
            assign_perm(perm.value, user, organisation)
        elif perm not in wanted and perm.codename in held:
            remove_perm(perm.value, user, organisation)


def has_org_permission(user: Any, perm: Perm, organisation: Any) -> bool:
    """Does the user hold `perm` on this organisation right now? Asked afresh every time."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or organisation is None:
        return False
    return ObjectPermissionChecker(user).has_perm(perm.codename, organisation)
