"""The organisation a signed-in user is acting for, kept in the session and re-checked on
every request against their live memberships."""

from django.http import HttpRequest

from practices.models import Membership

SESSION_KEY = "acting_organisation"
# A session signed in for one membership only (CIS2: the role profile chose it) acts
# through that membership and no other of the user's.
PINNED_KEY = "acting_pinned_membership"


def live_memberships(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.live()
        .filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def memberships_for_session(request: HttpRequest) -> list[Membership]:
    """The user's live memberships this session may act through: all of them, or the one
    it is pinned to (none, once that one has ended)."""
    memberships = live_memberships(request.user)
    pinned = request.session.get(PINNED_KEY) if memberships else None
    if pinned:
        return [m for m in memberships if str(m.public_id) == pinned]
    return memberships


def resolve_acting_membership(
    request: HttpRequest, memberships: list[Membership]
) -> Membership | None:
    """The membership named in the session if it is still live; the only one if there is one."""
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if str(membership.organisation.public_id) == chosen:
            return membership
    if len(memberships) == 1:
        return memberships[0]
    return None


def choose_acting_organisation(request: HttpRequest, membership: Membership) -> None:
    request.session[SESSION_KEY] = str(membership.organisation.public_id)


def pin_acting_membership(request: HttpRequest, membership: Membership) -> None:
    """Act through `membership` for the rest of this session, and through no other."""
    choose_acting_organisation(request, membership)
    request.session[PINNED_KEY] = str(membership.public_id)
