"""The organisation a signed-in user is acting for, kept in the session and re-checked on
every request against their live memberships."""

from django.http import HttpRequest

from practices.models import Membership

SESSION_KEY = "acting_organisation"


def live_memberships(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.live()
        .filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


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
