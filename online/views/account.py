"""Start, sign in with NHS login or with a password, register with a practice's key, and
sign out."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.audit import Actor
from notifications.services import send_email
from online import accounts, nhs_login, throttle
from online.forms import EmailAndPasswordForm, PasswordSignInForm, RegistrationKeyForm
from online.sessions import sign_in, sign_out

_NEXT = "online_next"
_REGISTERING = "online_registration_key"
# Attempts per address (and per email) in a quarter of an hour before a pause.
_ATTEMPTS, _WINDOW = 10, 15 * 60


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _after_sign_in(request: HttpRequest) -> HttpResponse:
    target = request.session.pop(_NEXT, "")
    if (
        target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and target.startswith("/patient/")
    ):
        return redirect(target)
    return redirect("online:appointments")


def _callback_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("online:nhs_login_callback"))


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """The service's start page: what it is for, and the ways in."""
    if request.patient_account is not None:
        return redirect("online:appointments")
    if request.GET.get("next"):
        request.session[_NEXT] = request.GET["next"]
    return render(request, "online/start.html")


@require_GET
def nhs_login_start(request: HttpRequest) -> HttpResponse:
    """A link, not a form: the page's policy lets forms post only to this site, and NHS
    login is another. Login CSRF is what the state parameter stops."""
    if not throttle.allow("nhs-login", _client(request), limit=_ATTEMPTS, window_seconds=_WINDOW):
        return render(request, "online/too_many_attempts.html", status=429)
    try:
        return nhs_login.authorisation_redirect(request, redirect_uri=_callback_uri(request))
    except nhs_login.NhsLoginFailed as error:
        return render(request, "online/sign_in_failed.html", {"reason": str(error)}, status=503)


@require_GET
def nhs_login_callback(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    try:
        identity = nhs_login.identity_from_callback(request, redirect_uri=_callback_uri(request))
        account = accounts.account_for_nhs_login(identity, actor=actor)
    except (nhs_login.NhsLoginFailed, accounts.RegistrationRefused) as error:
        return render(request, "online/sign_in_failed.html", {"reason": str(error)}, status=403)
    sign_in(request, account, how="nhs-login")
    return _after_sign_in(request)


@require_http_methods(["GET", "POST"])
def password_sign_in(request: HttpRequest) -> HttpResponse:
    form = PasswordSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        allowed = throttle.allow(
            "password", _client(request), limit=_ATTEMPTS, window_seconds=_WINDOW
        ) and throttle.allow("password-email", email, limit=_ATTEMPTS, window_seconds=_WINDOW)
        if not allowed:
            return render(request, "online/too_many_attempts.html", status=429)
        account = accounts.account_with_password(email, form.cleaned_data["password"])
        if account is None:
            form.add_error(None, "The email address or password is not right. Try again.")
        elif account.email_verified_at is None:
            _send_confirmation(account)
            form.add_error(
                None,
                "Confirm your email address first: we have sent the link again. Check your inbox.",
            )
        else:
            throttle.forget("password-email", email)
            sign_in(request, account, how="password")
            return _after_sign_in(request)
    return render(request, "online/sign_in.html", {"form": form})


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    sign_out(request)
    return redirect("online:signed_out")


@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "online/signed_out.html")


# Registration with a practice's key -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Step one: the key from the letter, and the details that prove it is theirs."""
    form = RegistrationKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not throttle.allow(
            "register", _client(request), limit=_ATTEMPTS, window_seconds=_WINDOW
        ):
            return render(request, "online/too_many_attempts.html", status=429)
        data = form.cleaned_data
        request.session[_REGISTERING] = {
            "key": data["key"],
            "nhs_number": data["nhs_number"],
            "family_name": data["family_name"],
            "date_of_birth": data["date_of_birth"].isoformat(),
        }
        return redirect("online:register_account")
    return render(request, "online/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def register_account(request: HttpRequest) -> HttpResponse:
    """Step two: an email address and a password. The key is checked with the details here,
    once, and used up only when the account is made."""
    details = request.session.get(_REGISTERING)
    if not details:
        return redirect("online:register")
    form = EmailAndPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = accounts.register_with_key(
                actor=Actor.from_request(request),
                key=details["key"],
                nhs_number=details["nhs_number"],
                family_name=details["family_name"],
                date_of_birth=datetime.date.fromisoformat(details["date_of_birth"]),
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except accounts.RegistrationRefused as error:
            del request.session[_REGISTERING]
            messages.error(request, str(error))
            return redirect("online:register")
        del request.session[_REGISTERING]
        _send_confirmation(account)
        return render(request, "online/check_email.html", {"email": account.email})
    return render(request, "online/register_account.html", {"form": form})


def _send_confirmation(account) -> None:
    token = accounts.email_confirmation_token(account)
    send_email(
        key=f"online:{account.public_id}:confirm:{token[-16:]}",
        to=account.email,
        template="email-verification",
        personalisation={"link": reverse("online:confirm_email", args=[token])},
    )


@require_GET
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        account = accounts.confirm_email(token)
    except accounts.RegistrationRefused as error:
        return render(request, "online/sign_in_failed.html", {"reason": str(error)}, status=400)
    messages.success(
        request, f"{account.email} is confirmed. Sign in with it and your password to book."
    )
    return redirect("online:sign_in")
