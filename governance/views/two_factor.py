"""Staff two-factor pages: set up an authenticator app, enter a code, recovery codes."""

from collections.abc import Callable
from functools import wraps

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from governance import two_factor
from governance.two_factor_forms import ConfirmAuthenticatorForm, VerifyCodeForm

View = Callable[..., HttpResponse]

# New recovery codes wait in the session for the one page that shows them, then go.
NEW_CODES_SESSION_KEY = "two_factor_new_recovery_codes"
NEXT_SESSION_KEY = "two_factor_next"


def staff_account_view(view: View) -> View:
    """Signed in, and a staff account (two-factor is not for patients or outsiders)."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not two_factor.two_factor_applies_to(request.user, request.memberships):
            raise PermissionDenied("Two-factor authentication is for staff accounts.")
        return view(request, *args, **kwargs)

    return wrapped


@staff_account_view
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "required": two_factor.two_factor_required_for(user, request.memberships),
        "authenticator": two_factor.authenticator_for(user),
        "verified": user.is_verified(),
        "codes_left": two_factor.recovery_codes_left(user),
        "code_count": two_factor.RECOVERY_CODE_COUNT,
    }
    return render(request, "governance/two_factor/overview.html", context)


@never_cache
@staff_account_view
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """Scan a QR code (or type the key), then confirm with the first code the app shows."""
    user = request.user
    next_url = _next_url(request)
    if two_factor.authenticator_for(user) is not None and not user.is_verified():
        # Replacing an authenticator needs the current one (or a recovery code) first.
        return _redirect_with_next("account:verify", request.get_full_path())
    device = two_factor.pending_authenticator_for(user=user)
    form = ConfirmAuthenticatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.confirm_authenticator(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            _complete_sign_in(request, device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            request.session[NEXT_SESSION_KEY] = next_url
            return redirect("account:recovery_codes")
    context = {
        "form": form,
        "next": next_url,
        "qr_code": two_factor.setup_qr_code_svg(device),
        "setup_key": two_factor.setup_key(device),
        "replacing": user.is_verified(),
    }
    return render(request, "governance/two_factor/set_up.html", context)


@never_cache
@staff_account_view
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url or "home")
    if two_factor.authenticator_for(user) is None:
        return _redirect_with_next("account:set_up", next_url)
    form = VerifyCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.verify_code(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            _complete_sign_in(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code. You have {left} left: get new ones from "
                    "your two-factor authentication page when you run low.",
                )
            return redirect(next_url or "home")
    return render(request, "governance/two_factor/verify.html", {"form": form, "next": next_url})


@never_cache
@staff_account_view
@require_GET
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once: reloading the page does not show them again."""
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    next_url = request.session.pop(NEXT_SESSION_KEY, "")
    if not codes:
        return redirect("account:overview")
    return render(
        request,
        "governance/two_factor/recovery_codes.html",
        {"codes": codes, "next": next_url or reverse("home")},
    )


@staff_account_view
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace every recovery code; the old ones stop working at once."""
    if not request.user.is_verified():
        return _redirect_with_next("account:verify", reverse("account:overview"))
    request.session[NEW_CODES_SESSION_KEY] = two_factor.issue_recovery_codes(user=request.user)
    request.session[NEXT_SESSION_KEY] = reverse("account:overview")
    return redirect("account:recovery_codes")


def _complete_sign_in(request: HttpRequest, device: Device) -> None:
    django_otp.login(request, device)
    # A new session key once the second factor is in: nothing learnt before it is worth more.
    request.session.cycle_key()


def _next_url(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        return next_url
    return ""


def _redirect_with_next(url_name: str, next_url: str) -> HttpResponse:
    url = reverse(url_name)
    return redirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
