"""Signing in: throttled per (username, address) so an attacker cannot lock a real user out
from elsewhere; sessions end after idle time and an absolute lifetime."""

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.middleware import SIGNED_IN_AT

PASSWORD = "correct-horse-battery"


def _sign_in(username: str, password: str, address: str = "10.0.0.1") -> int:
    client = Client(REMOTE_ADDR=address)
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def test_correct_password_signs_in_and_lands_on_role_page(client, practice_manager_a):
    response = client.post(
        reverse("login"), {"username": "manager.a", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert b"Practice manager" in response.content


def test_wrong_password_shows_an_error_without_saying_which_part(client, practice_manager_a):
    response = client.post(reverse("login"), {"username": "manager.a", "password": "nope"})
    assert response.status_code == 200
    assert b"Enter a correct username and password" in response.content
    assert b"<title>Error: Sign in" in response.content


def test_five_failures_lock_that_username_from_that_address(practice_manager_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in("manager.a", "wrong") == 200
    assert _sign_in("manager.a", "wrong") == 429  # the fifth failure locks
    # Locked: even the right password is refused from this address.
    assert _sign_in("manager.a", PASSWORD) == 429


def test_lockout_does_not_spread_to_other_addresses(practice_manager_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _sign_in("manager.a", "wrong", address="203.0.113.9")
    assert _sign_in("manager.a", PASSWORD, address="10.0.0.1") == 302


def test_lockout_does_not_spread_to_other_usernames(
    practice_manager_a, practice_manager_b, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _sign_in("manager.a", "wrong")
    assert _sign_in("manager.b", PASSWORD) == 302


def test_success_resets_the_failure_count(practice_manager_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in("manager.a", "wrong")
    assert _sign_in("manager.a", PASSWORD) == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in("manager.a", "wrong")
    assert _sign_in("manager.a", PASSWORD) == 302


def test_session_ends_after_its_absolute_lifetime(client, practice_manager_a, settings):
    client.post(reverse("login"), {"username": "manager.a", "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    lifetime = settings.SESSION_ABSOLUTE_LIFETIME + datetime.timedelta(minutes=1)
    session[SIGNED_IN_AT] = (timezone.now() - lifetime).timestamp()
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sessions_expire_when_idle(client, practice_manager_a, settings):
    client.post(reverse("login"), {"username": "manager.a", "password": PASSWORD})
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert client.session.get_expiry_age() <= 30 * 60
    session = client.session
    session.set_expiry(-1)  # as if the idle time had passed
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_sign_out_needs_a_post(client_for, practice_manager_a):
    client = client_for(practice_manager_a)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
