"""Governance pages open to a role holding any one of several permissions."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from governance.permissions import Perm, org_permissions
from practices.decorators import staff_view

View = Callable[..., HttpResponse]


def staff_view_any(*perms: Perm) -> Callable[[View], View]:
    """Like `staff_view`, but one of `perms` is enough. The view gets `request.perms`, what
    the user may do at the acting organisation, to choose what to show."""

    def decorator(view: View) -> View:
        @staff_view()
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            held = org_permissions(request.user, request.acting.organisation)
            if not held & set(perms):
                raise PermissionDenied("Your role does not allow this.")
            request.perms = held
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
