"""The decorator every staff view wears: signed in, acting for an organisation, permitted."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from governance.permissions import Perm, has_org_permission

View = Callable[..., HttpResponse]


def staff_view(*perms: Perm) -> Callable[[View], View]:
    """Require a signed-in user acting for an organisation on which they hold every `perm`."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.acting is None:
                if not request.memberships:
                    raise PermissionDenied("You do not work for any organisation in Hub Diary.")
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('choose_organisation')}?{query}")
            organisation = request.acting.organisation
            if not all(has_org_permission(request.user, perm, organisation) for perm in perms):
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
