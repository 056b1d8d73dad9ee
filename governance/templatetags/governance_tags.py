"""Template helpers for the governance screens: labels, and whether to show the IG menu.
No queries."""

from dataclasses import dataclass

from django import template
from django.urls import reverse

from governance import reports
from governance.models import Alert
from governance.permissions import Perm, permissions_for_role
from governance.selectors import ALERT_KINDS_BY_PERM

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


@register.filter
def receives_alerts(membership) -> bool:
    """Whether the acting role is sent any kind of alert, so the menu offers the list."""
    return membership is not None and bool(
        permissions_for_role(membership.role) & set(ALERT_KINDS_BY_PERM)
    )


@dataclass(frozen=True)
class AlertShown:
    tag: str
    colour: str
    verb: str
    what: str
    url: str


# Tag, colour and the link for each kind: the verb shown, and what it opens, for screen
# readers.
ALERT_PRESENTATION = {
    Alert.Kind.BREAK_GLASS: ("Break-glass", "red", "Review", "this break-glass access"),
    Alert.Kind.RELATIONSHIP: ("Care relationship", "orange", "Review", "this care relationship"),
    Alert.Kind.AGREEMENT_PROPOSED: ("Proposal", "yellow", "View", "this agreement"),
    Alert.Kind.AGREEMENT_EXPIRING: ("Ending soon", "orange", "View", "this agreement"),
    Alert.Kind.WRITE_BACK_CONFLICT: (
        "Practice system conflict",
        "red",
        "See the problems",
        "with the practice system",
    ),
    Alert.Kind.WRITE_BACK_FAILED: (
        "Not in practice system",
        "orange",
        "See the problems",
        "with the practice system",
    ),
    Alert.Kind.TASK_ASSIGNED: ("Task to accept", "blue", "Open", "this task"),
    Alert.Kind.TASK_ESCALATED: ("Task escalated", "red", "Open", "this task"),
    Alert.Kind.REVIEW_DUE: ("Review due", "yellow", "Open", "this care plan"),
    Alert.Kind.PATIENT_CONTACT: ("Urgent care contact", "orange", "Open", "this care record"),
}

ALERT_URLS = {
    Alert.Kind.BREAK_GLASS: "governance:break_glass_review",
    Alert.Kind.RELATIONSHIP: "governance:relationship_review",
    Alert.Kind.AGREEMENT_PROPOSED: "governance:agreement_detail",
    Alert.Kind.AGREEMENT_EXPIRING: "governance:agreement_detail",
}


@register.filter
def alert_shown(alert: Alert) -> AlertShown:
    """How an alert reads in a list: its tag and where to act on it. Alerts raised by other
    apps carry their own link."""
    tag, colour, verb, what = ALERT_PRESENTATION[alert.kind]
    url = alert.link or reverse(ALERT_URLS[alert.kind], args=[alert.reference])
    return AlertShown(tag=tag, colour=colour, verb=verb, what=what, url=url)


register.filter("role_label", reports.role_label)
register.filter("basis_label", reports.basis_label)
register.filter("action_label", reports.action_label)
