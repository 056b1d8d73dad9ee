"""NHS login against a real OpenID Connect provider started for the run (scripts/): the
whole flow, PKCE and private_key_jwt included, and what must be refused."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from online import nhs_login

CALLBACK = "http://127.0.0.1:8000/patient/sign-in/nhs-login/callback/"
CALLBACK_PATH = urlsplit(CALLBACK).path


@pytest.fixture
def session(db):
    return SessionStore()


def _request(session, url: str = "/patient/sign-in/nhs-login/"):
    request = RequestFactory().get(url)
    request.session = session
    return request


def _sign_in(session, login: str) -> str:
    from tests.online.nhs_login_provider import sign_in_at_provider

    redirect = nhs_login.authorisation_redirect(_request(session), redirect_uri=CALLBACK)
    query = parse_qs(urlsplit(redirect["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["scope"] == ["openid profile email phone"]
    return sign_in_at_provider(redirect["Location"], login, callback_path=CALLBACK_PATH)


def _callback(session, back: str):
    parts = urlsplit(back)
    return nhs_login.identity_from_callback(
        _request(session, f"{parts.path}?{parts.query}"), redirect_uri=CALLBACK
    )


def test_a_fully_verified_patient_signs_in_with_their_nhs_number(session):
    identity = _callback(session, _sign_in(session, "9999000010"))
    assert identity.nhs_number == "9999000010"
    assert identity.fully_verified
    assert (identity.given_name, identity.family_name) == ("Olivia", "Mensah")
    assert identity.birthdate.isoformat() == "1988-04-12"
    assert identity.email == "olivia.mensah@example.com" and identity.email_verified
    assert identity.subject


def test_a_p5_identity_comes_back_not_fully_verified(session):
    identity = _callback(session, _sign_in(session, "9999000045"))
    assert identity.identity_level == "P5"
    assert not identity.fully_verified


def test_the_state_is_checked_and_used_once(session):
    back = _sign_in(session, "9999000010")
    forged = back.replace("state=", "state=x")
    with pytest.raises(nhs_login.NhsLoginFailed):
        _callback(session, forged)
    with pytest.raises(nhs_login.NhsLoginFailed):  # the flow was used up by the attempt
        _callback(session, back)


def test_a_patient_who_stops_at_nhs_login_is_told_plainly(session):
    redirect = nhs_login.authorisation_redirect(_request(session), redirect_uri=CALLBACK)
    state = parse_qs(urlsplit(redirect["Location"]).query)["state"][0]
    with pytest.raises(nhs_login.NhsLoginFailed, match="did not finish"):
        _callback(session, f"{CALLBACK}?error=access_denied&state={state}")


def test_a_client_signing_with_another_key_is_refused_by_the_provider(session, settings, tmp_path):
    back = _sign_in(session, "9999000010")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "stranger.pem"
    key_file.write_bytes(
        stranger.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.NHS_LOGIN_PRIVATE_KEY_FILE = str(key_file)
    with pytest.raises(nhs_login.NhsLoginFailed):
        _callback(session, back)


def test_without_an_issuer_nhs_login_is_unavailable(session, settings):
    settings.NHS_LOGIN_ISSUER = ""
    with pytest.raises(nhs_login.NhsLoginFailed, match="not available"):
        nhs_login.authorisation_redirect(_request(session), redirect_uri=CALLBACK)
