"""Staff two-factor authentication: set up an authenticator app, enter a code after the
password, recovery codes that work once, throttled wrong codes, and a switch for the demo."""

import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import two_factor
from tests.config.test_security import PRODUCTION_ENV, _manage

PASSWORD = "correct-horse-battery"


@pytest.fixture
def required(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True


def _signed_in(username: str = "manager.a") -> Client:
    """A fresh browser that has given the right password, and nothing more."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, two_factor.issue_recovery_codes(user=user)


def _code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now."""
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


def _codes_on(page) -> list[str]:
    return re.findall(r"<code>([a-z2-7]{8})</code>", page.content.decode())


def _goes_to(response, url_name: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse(url_name))


def test_staff_without_a_device_are_sent_to_set_up_and_cannot_reach_staff_pages(
    required, practice_manager_a
):
    client = _signed_in()
    for url in (reverse("home"), reverse("organisation:organisation"), reverse("account:overview")):
        response = client.get(url)
        assert _goes_to(response, "account:set_up"), url
        assert f"next={url.replace('/', '%2F')}" in response["Location"]
    assert client.post(reverse("organisation:site_create"), {"name": "x"}).status_code == 302


def test_set_up_with_a_correct_code_confirms_the_device_and_shows_recovery_codes_once(
    required, practice_manager_a
):
    client = _signed_in()
    page = client.get(reverse("account:set_up"), {"next": reverse("organisation:organisation")})
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=practice_manager_a, confirmed=False)
    content = page.content.decode()
    assert "<svg" in content and "</svg>" in content
    assert two_factor.setup_key(device) in content
    assert "style=" not in content and "<script>" not in content

    response = client.post(
        reverse("account:set_up"),
        {"code": _code(device), "next": reverse("organisation:organisation")},
    )

    assert _goes_to(response, "account:recovery_codes")
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(reverse("account:recovery_codes"))
    shown = _codes_on(codes_page)
    assert len(shown) == two_factor.RECOVERY_CODE_COUNT
    assert set(shown) == set(
        StaticToken.objects.filter(device__user=practice_manager_a).values_list("token", flat=True)
    )
    assert reverse("organisation:organisation") in codes_page.content.decode()
    # Shown once: coming back to the page does not show them again.
    assert _goes_to(client.get(reverse("account:recovery_codes")), "account:overview")
    assert client.get(reverse("organisation:organisation")).status_code == 200


def test_a_wrong_first_code_does_not_confirm_the_device(required, practice_manager_a):
    client = _signed_in()
    client.get(reverse("account:set_up"))
    device = TOTPDevice.objects.get(user=practice_manager_a)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("account:set_up"), {"code": wrong})

    assert response.status_code == 200
    assert b"There is a problem" in response.content
    device.refresh_from_db()
    assert not device.confirmed
    assert _goes_to(client.get(reverse("home")), "account:set_up")


def test_a_later_session_must_enter_a_code_before_staff_pages(required, practice_manager_a):
    device, _ = _enrol(practice_manager_a)
    client = _signed_in()
    wanted = reverse("organisation:organisation")
    response = client.get(wanted)
    assert _goes_to(response, "account:verify")

    response = client.post(reverse("account:verify"), {"code": _code(device), "next": wanted})

    assert response.status_code == 302 and response["Location"] == wanted
    assert client.get(wanted).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def test_a_verified_session_gets_a_new_session_key(required, practice_manager_a):
    device, _ = _enrol(practice_manager_a)
    client = _signed_in()
    before = client.session.session_key
    client.post(reverse("account:verify"), {"code": _code(device)})
    assert client.session.session_key != before


def test_a_wrong_code_is_refused_with_an_error_and_logged_without_the_code(
    required, practice_manager_a
):
    device, _ = _enrol(practice_manager_a)
    client = _signed_in()
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"

    with mock.patch.object(two_factor.logger, "warning") as warning:
        response = client.post(reverse("account:verify"), {"code": wrong})

    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert 'href="#id_code"' in content  # the summary links to the field
    assert "nhsuk-error-message" in content and "nhsuk-input--error" in content
    assert "The code is not right" in content
    assert _goes_to(client.get(reverse("home")), "account:verify")
    warning.assert_called_once()
    assert wrong not in str(warning.call_args)


def test_codes_are_throttled_after_a_wrong_one(required, practice_manager_a):
    """django-otp's back-off: straight after a wrong code even the right one must wait."""
    device, _ = _enrol(practice_manager_a)
    client = _signed_in()
    client.post(reverse("account:verify"), {"code": f"{(int(_code(device)) + 1) % 1_000_000:06d}"})

    response = client.post(reverse("account:verify"), {"code": _code(device)})

    assert response.status_code == 200
    assert b"too many wrong codes" in response.content
    assert _goes_to(client.get(reverse("home")), "account:verify")


def test_a_code_in_the_wrong_shape_is_refused_before_any_attempt(required, practice_manager_a):
    device, _ = _enrol(practice_manager_a)
    response = _signed_in().post(reverse("account:verify"), {"code": "12ab"})
    assert b"Enter a 6-digit code" in response.content
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_works_once_only(required, practice_manager_a):
    _, codes = _enrol(practice_manager_a)
    first = _signed_in()
    response = first.post(reverse("account:verify"), {"code": codes[0].upper()})
    assert _goes_to(response, "home")
    assert first.get(reverse("organisation:organisation")).status_code == 200
    assert StaticToken.objects.filter(device__user=practice_manager_a).count() == 9

    second = _signed_in()
    response = second.post(reverse("account:verify"), {"code": codes[0]})

    assert response.status_code == 200
    assert b"already been used" in response.content
    assert _goes_to(second.get(reverse("home")), "account:verify")


def test_new_recovery_codes_replace_the_old_ones(required, practice_manager_a):
    device, old_codes = _enrol(practice_manager_a)
    client = _signed_in()
    client.post(reverse("account:verify"), {"code": _code(device)})
    overview = client.get(reverse("account:overview"))
    assert b"10 of 10 left" in overview.content

    response = client.post(reverse("account:new_recovery_codes"))

    assert _goes_to(response, "account:recovery_codes")
    new_codes = _codes_on(client.get(reverse("account:recovery_codes")))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert _goes_to(_signed_in().post(reverse("account:verify"), {"code": new_codes[0]}), "home")
    refused = _signed_in().post(reverse("account:verify"), {"code": old_codes[1]})
    assert b"already been used" in refused.content


def test_new_recovery_codes_need_a_verified_session(practice_manager_a):
    """Even where two-factor is not required, a password alone cannot replace the codes."""
    _, codes = _enrol(practice_manager_a)
    response = _signed_in().post(reverse("account:new_recovery_codes"))
    assert _goes_to(response, "account:verify")
    assert set(
        StaticToken.objects.filter(device__user=practice_manager_a).values_list("token", flat=True)
    ) == set(codes)


def test_replacing_the_authenticator_needs_a_code_from_the_old_one(required, practice_manager_a):
    old, _ = _enrol(practice_manager_a)
    client = _signed_in()
    assert _goes_to(client.get(reverse("account:set_up")), "account:verify")
    client.post(reverse("account:verify"), {"code": _code(old)})

    client.get(reverse("account:set_up"))
    new = TOTPDevice.objects.get(user=practice_manager_a, confirmed=False)
    client.post(reverse("account:set_up"), {"code": _code(new)})

    assert list(TOTPDevice.objects.filter(user=practice_manager_a)) == [new]


def test_with_the_setting_off_no_code_is_asked(settings, practice_manager_a):
    settings.STAFF_TWO_FACTOR_REQUIRED = False
    client = _signed_in()
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("organisation:organisation")).status_code == 200
    overview = client.get(reverse("account:overview"))
    assert b"Not asked for in this environment" in overview.content


def test_users_who_work_for_no_organisation_are_not_asked(required, outsider):
    client = _signed_in("outsider")
    assert b"You do not work for an organisation" in client.get(reverse("home")).content
    assert client.get(reverse("account:set_up")).status_code == 403


def test_htmx_requests_are_told_to_navigate_to_the_code_page(required, practice_manager_a):
    _enrol(practice_manager_a)
    response = _signed_in().get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("account:verify"))


def test_sign_out_and_health_check_need_no_code(required, practice_manager_a):
    _enrol(practice_manager_a)
    client = _signed_in()
    assert client.get(reverse("healthz")).status_code == 200
    assert _goes_to(client.post(reverse("logout")), "login")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({**PRODUCTION_ENV}, "True"),
        ({**PRODUCTION_ENV, "STAFF_TWO_FACTOR_REQUIRED": "false"}, "False"),
        ({"HUBDIARY_ENV": "development"}, "False"),
    ],
    ids=["production", "production-switched-off", "development"],
)
def test_two_factor_is_on_in_production_unless_switched_off(env, expected):
    code = "from django.conf import settings; print(settings.STAFF_TWO_FACTOR_REQUIRED)"
    result = _manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected
