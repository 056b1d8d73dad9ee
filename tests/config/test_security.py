"""Secure settings, headers and cookies, from the first view on."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "HUBDIARY_ENV": "production",
    "SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-7f3a9c2e",
    "ALLOWED_HOSTS": "hubdiary.example.nhs.uk",
    "DATABASE_URL": "postgres://hubdiary@127.0.0.1:1/hubdiary",
    "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
    "CACHE_URL": "redis://127.0.0.1:1/1",
    "SITE_URL": "https://hubdiary.example.nhs.uk",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Start from this environment less anything a test process may have set for itself.
    unwanted = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS", "SITE_URL"]
)
def test_production_refuses_to_start_without_its_variables(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"Set the environment variable {missing}" in result.stderr


def test_production_settings_values():
    code = (
        "from django.conf import settings as s;"
        "print(s.PASSWORD_HASHERS[0]);print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = _manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    hasher, flags = result.stdout.strip().splitlines()[-2:]
    assert hasher.endswith("Argon2PasswordHasher")
    assert flags == "True True True 31536000 True False"


@pytest.mark.parametrize("url_name", ["login", "healthz", "readyz"])
def test_anonymous_responses_carry_the_security_headers(client, db, url_name):
    response = client.get(reverse(url_name))
    _assert_security_headers(response)


def test_signed_in_pages_and_errors_carry_the_security_headers(client_for, practice_manager_a):
    client = client_for(practice_manager_a)
    for url in (reverse("home"), reverse("organisation:organisation"), "/no-such-page/"):
        _assert_security_headers(client.get(url))


def _assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client_for, practice_manager_a):
    content = client_for(practice_manager_a).get(reverse("home")).content.decode()
    for chunk in content.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag, f"inline script found: <script{tag}>"
    assert " on" + "click=" not in content and "style=" not in content


def test_session_and_csrf_cookies_are_http_only_and_same_site(client, practice_manager_a):
    page = client.get(reverse("login"))
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        reverse("login"), {"username": "manager.a", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"


def test_secure_cookie_flags_follow_the_settings(client, practice_manager_a, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    csrf = client.get(reverse("login")).cookies["csrftoken"]
    response = client.post(
        reverse("login"), {"username": "manager.a", "password": "correct-horse-battery"}
    )
    assert csrf["secure"] and response.cookies["sessionid"]["secure"]


def test_forms_refuse_posts_without_a_csrf_token(practice_manager_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(practice_manager_a)
    response = client.post(reverse("organisation:site_create"), {"name": "No token"})
    assert response.status_code == 403


@pytest.mark.argon2
def test_passwords_are_stored_with_argon2(practice_manager_a):
    assert practice_manager_a.password.startswith("argon2")
