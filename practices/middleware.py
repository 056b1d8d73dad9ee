from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from practices.acting import live_memberships, resolve_acting_membership


class ActingOrganisationMiddleware:
    """Sets request.memberships and request.acting (the Membership acted through, or None).

    Read from the database on every request, so an ended membership stops working at once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.memberships = live_memberships(request.user)
        request.acting = resolve_acting_membership(request, request.memberships)
        return self.get_response(request)
