"""The decorators every staff page wears: signed in, acting for an organisation, and holding
the permissions the page needs there, checked afresh on every request."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from core.metrics import ACCESS_REFUSALS
from governance.permissions import Perm, has_org_permission, org_permissions

View = Callable[..., HttpResponse]


def staff_view(*perms: Perm) -> Callable[[View], View]:
    """Require a signed-in user acting for an organisation on which they hold every `perm`."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.acting is None:
                if not request.memberships:
                    ACCESS_REFUSALS.labels(kind="role").inc()
                    raise PermissionDenied("You do not work for any organisation in Hub Diary.")
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('choose_organisation')}?{query}")
            organisation = request.acting.organisation
            if not all(has_org_permission(request.user, perm, organisation) for perm in perms):
                ACCESS_REFUSALS.labels(kind="role").inc()
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def staff_view_any(*perms: Perm) -> Callable[[View], View]:
    """Like `staff_view`, but one of `perms` is enough. The view gets `request.perms`, what
    the user may do at the acting organisation, to choose what to show."""

    def decorator(view: View) -> View:
        @staff_view()
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            held = org_permissions(request.user, request.acting.organisation)
            if not held & set(perms):
                ACCESS_REFUSALS.labels(kind="role").inc()
                raise PermissionDenied("Your role does not allow this.")
            request.perms = held
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
