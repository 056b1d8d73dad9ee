from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from practices.acting import memberships_for_session, resolve_acting_membership


class ActingOrganisationMiddleware:
    """Sets request.memberships and request.acting (the Membership acted through, or None).

    Read from the database on every request, so an ended membership stops working at once.
    A session pinned to one membership (`practices.acting.PINNED_KEY`) sees only that one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.memberships = memberships_for_session(request)
        request.acting = resolve_acting_membership(request, request.memberships)
        return self.get_response(request)
