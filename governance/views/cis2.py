"""Staff signing in with CIS2: off to CIS2, back with who they are, a choice of role profile
when several match, then signed in as that membership. Every page answers 404 unless
CIS2_ENABLED."""

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from governance import cis2, staff_sign_in, two_factor
from governance.audit import Actor
from governance.forms import RoleProfileForm
from practices.acting import pin_acting_membership

View = Callable[..., HttpResponse]

# Who CIS2 said the person is, while they choose among their role profiles; not for long.
_PENDING = "cis2_pending"
_PENDING_SECONDS = 10 * 60
_NEXT = "cis2_next"
# The role profile a CIS2 session signed in through, for the pages and the audit.
ROLE_PROFILE_SESSION_KEY = "cis2_role_profile"


def cis2_view(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.CIS2_ENABLED:
            raise Http404("CIS2 sign-in is not turned on.")
        return view(request, *args, **kwargs)

    return wrapped


def _callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("cis2:callback"))


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "registration/cis2_refused.html", {"reason": reason}, status=403)


@cis2_view
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """A link, not a form: the pages' policy lets forms post only to this site, and CIS2 is
    another. Login CSRF is what the state parameter stops."""
    if request.user.is_authenticated:
        return redirect("home")
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        request.session[_NEXT] = target
    try:
        return cis2.authorisation_redirect(request, redirect_uri=_callback_uri(request))
    except cis2.Cis2Failed as error:
        return render(request, "registration/cis2_refused.html", {"reason": str(error)}, status=503)


@cis2_view
@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    try:
        identity = cis2.identity_from_callback(request, redirect_uri=_callback_uri(request))
        candidates = staff_sign_in.candidates_for(identity=identity, actor=actor)
    except (cis2.Cis2Failed, staff_sign_in.SignInRefused) as error:
        return _refused(request, str(error))
    if len(candidates) == 1:
        return _sign_in(request, candidates[0], actor)
    request.session[_PENDING] = {**cis2.identity_as_session(identity), "at": time.time()}
    return redirect("cis2:choose_role")


@cis2_view
@never_cache
@require_http_methods(["GET", "POST"])
def choose_role(request: HttpRequest) -> HttpResponse:
    """Several of the person's role profiles are for organisations they work for here: they
    choose the one they are working in. The memberships are read again on every visit."""
    pending = request.session.get(_PENDING)
    if not pending or time.time() - pending["at"] > _PENDING_SECONDS:
        request.session.pop(_PENDING, None)
        return redirect("login")
    actor = Actor.from_request(request)
    try:
        candidates = staff_sign_in.candidates_for(
            identity=cis2.identity_from_session(pending), actor=actor
        )
    except staff_sign_in.SignInRefused as error:
        request.session.pop(_PENDING, None)
        return _refused(request, str(error))
    form = RoleProfileForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    if request.method == "POST" and form.is_valid():
        request.session.pop(_PENDING, None)
        return _sign_in(request, form.cleaned_data["candidate"], actor)
    return render(request, "registration/cis2_choose_role.html", {"form": form})


def _sign_in(
    request: HttpRequest, candidate: staff_sign_in.Candidate, actor: Actor
) -> HttpResponse:
    target = request.session.pop(_NEXT, "")
    membership = candidate.membership
    login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
    pin_acting_membership(request, membership)
    request.session[two_factor.STRONG_SIGN_IN_KEY] = True
    request.session[ROLE_PROFILE_SESSION_KEY] = candidate.profile.as_session()
    staff_sign_in.record_sign_in(candidate=candidate, actor=actor)
    return redirect(target or "home")
