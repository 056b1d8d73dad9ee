"""Template helpers for the governance screens: labels, and whether to show the IG menu.
No queries."""

from django import template

from governance import reports
from governance.permissions import Perm, permissions_for_role

register = template.Library()

GOVERNANCE_PERMS = frozenset({Perm.REVIEW_ACCESS, Perm.MANAGE_AGREEMENTS, Perm.GRANT_ACCESS})


@register.filter
def shows_governance(membership) -> bool:
    """Whether the acting role has any governance work. Read from the role, not the
    database, because the menu is on every page; each governance page checks afresh."""
    return membership is not None and bool(permissions_for_role(membership.role) & GOVERNANCE_PERMS)


@register.filter
def uses_care_diary(membership) -> bool:
    return membership is not None and Perm.USE_CARE_DIARY in permissions_for_role(membership.role)


@register.filter
def uses_care_tracker(membership) -> bool:
    return membership is not None and Perm.USE_CARE_TRACKER in permissions_for_role(membership.role)


register.filter("role_label", reports.role_label)
register.filter("basis_label", reports.basis_label)
register.filter("action_label", reports.action_label)
