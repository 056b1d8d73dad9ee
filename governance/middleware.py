"""Session hygiene: staff sessions end after an absolute lifetime, whatever their activity.

Idle expiry is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST).
"""

import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from rest_framework.views import APIView

from governance import two_factor

SIGNED_IN_AT = "signed_in_at"


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None:
                request.session[SIGNED_IN_AT] = now
            elif now - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME.total_seconds():
                logout(request)
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """Every response to a signed-in user may hold patient data, and none may be kept by a
    browser's or a proxy's cache: `Cache-Control: no-store`, as the API's responses are.

    After the authentication middleware, so it knows who is signed in, and outside every
    other, so their responses (a redirect to two-factor, a lockout) are covered too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        # Signing in or out changes the user part-way: either side counts.
        if signed_in or request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed one from the proxy) for the audit
    trail and the logs, and return it to the caller."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        valid = 8 <= len(incoming) <= 64 and incoming.replace("-", "").isalnum()
        request.request_id = incoming if valid else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class StaffTwoFactorMiddleware:
    """When STAFF_TWO_FACTOR_REQUIRED, staff who have signed in with a password but not yet
    with a code (and not with CIS2, which is multi-factor itself) are sent to enter one (or
    to set up an authenticator app) before any page but signing in and out, the two-factor
    steps themselves, CIS2's sign-in pages and the health checks.

    Needs django-otp's OTPMiddleware and the acting-organisation middleware before it.
    """

    EXEMPT_URL_NAMES = frozenset(
        {
            "login",
            "logout",
            "healthz",
            "readyz",
            "account:verify",
            "account:set_up",
            "cis2:start",
            "cis2:callback",
            "cis2:choose_role",
        }
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if not settings.STAFF_TWO_FACTOR_REQUIRED or two_factor.second_factor_done(
            request.user, request.session
        ):
            return None
        if not two_factor.two_factor_required_for(request.user, request.memberships):
            return None
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in self.EXEMPT_URL_NAMES:
            return None
        if isinstance(getattr(view_func, "cls", None), type) and issubclass(view_func.cls, APIView):
            # The API and its docs answer for themselves (api.base.TwoFactorVerified): an
            # API client is told in JSON, not sent to a page.
            return None
        url = two_factor.next_step_url(request.user, request.get_full_path())
        if request.headers.get("HX-Request") == "true":
            # htmx would swap the page into a fragment; ask it to navigate instead.
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)
