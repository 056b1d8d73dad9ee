"""Signing in with NHS login: OpenID Connect's authorisation code flow with PKCE (S256) and
`private_key_jwt` client authentication, as NHS login requires, through Authlib's client;
the ID token checked with joserfc against the provider's published keys.

`authorisation_redirect` sends the patient to NHS login with a fresh state, nonce and PKCE
verifier kept in their session; `identity_from_callback` checks what comes back, exchanges
the code and returns who NHS login says the patient is, with their NHS number and the level
to which their identity was proved (P9: fully).
"""

import datetime
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

import httpx
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseRedirect
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

logger = logging.getLogger(__name__)

_SESSION_KEY = "nhs_login_flow"
_SCOPE = "openid profile email phone"
# NHS login's "vectors of trust": ask for an identity proved to P9.
_VTR = '["P9.Cp.Cd", "P9.Cp.Ck", "P9.Cm"]'
_METADATA_SECONDS = 15 * 60
FULLY_VERIFIED = "P9"


class NhsLoginFailed(Exception):
    """Sign-in did not complete; the message is safe to show the patient."""


@dataclass(frozen=True)
class NhsLoginIdentity:
    subject: str
    nhs_number: str
    identity_level: str
    given_name: str
    family_name: str
    birthdate: datetime.date | None
    email: str
    email_verified: bool
    phone_number: str

    @property
    def fully_verified(self) -> bool:
        return self.identity_level == FULLY_VERIFIED


_UNAVAILABLE = "NHS login is not available at the moment. Try again later."
_DID_NOT_COMPLETE = "Signing in with NHS login did not complete. Try again."


def _metadata() -> dict:
    """The provider's discovery document, cached for a while."""
    issuer = settings.NHS_LOGIN_ISSUER
    if not issuer:
        raise NhsLoginFailed(_UNAVAILABLE)
    key = f"nhs-login:metadata:{issuer}"
    metadata = cache.get(key)
    if metadata is None:
        metadata = _get_json(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
        if metadata.get("issuer") != issuer.rstrip("/") and metadata.get("issuer") != issuer:
            logger.error("NHS login's discovery document names another issuer")
            raise NhsLoginFailed(_UNAVAILABLE)
        cache.set(key, metadata, _METADATA_SECONDS)
    return metadata


def _keys(metadata: dict, *, refresh: bool = False) -> KeySet:
    key = f"nhs-login:jwks:{metadata['jwks_uri']}"
    jwks = None if refresh else cache.get(key)
    if jwks is None:
        jwks = _get_json(metadata["jwks_uri"])
        cache.set(key, jwks, _METADATA_SECONDS)
    return KeySet.import_key_set(jwks)


def _get_json(url: str) -> dict:
    try:
        response = httpx.get(url, timeout=settings.NHS_LOGIN_TIMEOUT_SECONDS)
        response.raise_for_status()
        return response.json()
    except (httpx.HTTPError, ValueError) as error:
        logger.error("NHS login unreachable: %s", type(error).__name__)
        raise NhsLoginFailed(_UNAVAILABLE) from error


def _client(metadata: dict, redirect_uri: str) -> OAuth2Session:
    private_key = Path(settings.NHS_LOGIN_PRIVATE_KEY_FILE).read_text()
    client = OAuth2Session(
        client_id=settings.NHS_LOGIN_CLIENT_ID,
        client_secret=private_key,
        token_endpoint_auth_method=PrivateKeyJWT.name,
        scope=_SCOPE,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        default_timeout=settings.NHS_LOGIN_TIMEOUT_SECONDS,
    )
    client.register_client_auth_method(PrivateKeyJWT(metadata["token_endpoint"], alg="RS512"))
    return client


def authorisation_redirect(request: HttpRequest, *, redirect_uri: str) -> HttpResponseRedirect:
    """Send the patient to NHS login; what is needed to check the answer stays in their
    session."""
    metadata = _metadata()
    state, nonce, verifier = (
        secrets.token_urlsafe(24),
        secrets.token_urlsafe(24),
        generate_token(64),
    )
    with _client(metadata, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"],
            state=state,
            nonce=nonce,
            code_verifier=verifier,
            vtr=_VTR,
        )
    request.session[_SESSION_KEY] = {"state": state, "nonce": nonce, "verifier": verifier}
    return HttpResponseRedirect(url)


def identity_from_callback(request: HttpRequest, *, redirect_uri: str) -> NhsLoginIdentity:
    """Check NHS login's answer (once: the state is used up), exchange the code, check the
    ID token and read the patient's details."""
    flow = request.session.pop(_SESSION_KEY, None)
    if flow is None or not secrets.compare_digest(request.GET.get("state", ""), flow["state"]):
        raise NhsLoginFailed(_DID_NOT_COMPLETE)
    if "error" in request.GET:
        if request.GET["error"] == "access_denied":
            raise NhsLoginFailed("You did not finish signing in with NHS login.")
        logger.warning("NHS login answered with error %s", request.GET["error"][:60])
        raise NhsLoginFailed(_DID_NOT_COMPLETE)
    code = request.GET.get("code")
    if not code:
        raise NhsLoginFailed(_DID_NOT_COMPLETE)
    metadata = _metadata()
    try:
        with _client(metadata, redirect_uri) as client:
            token = client.fetch_token(
                metadata["token_endpoint"],
                code=code,
                code_verifier=flow["verifier"],
            )
            claims = _checked_id_token(token.get("id_token", ""), metadata, flow["nonce"])
            userinfo = client.get(metadata["userinfo_endpoint"])
            userinfo.raise_for_status()
            details = userinfo.json()
    except NhsLoginFailed:
        raise
    except Exception as error:  # the exchange failed: the patient is told, we log why
        logger.warning("NHS login code exchange failed: %s", type(error).__name__)
        raise NhsLoginFailed(_DID_NOT_COMPLETE) from error
    if details.get("sub") != claims["sub"]:
        logger.warning("NHS login's userinfo is for another subject")
        raise NhsLoginFailed(_DID_NOT_COMPLETE)
    return _identity({**claims, **details})


def _checked_id_token(id_token: str, metadata: dict, nonce: str) -> dict:
    try:
        try:
            decoded = jwt.decode(id_token, _keys(metadata))
        except JoseError:  # the provider may have turned its keys over
            decoded = jwt.decode(id_token, _keys(metadata, refresh=True))
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": settings.NHS_LOGIN_CLIENT_ID},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as error:
        logger.warning("NHS login's ID token was refused: %s", type(error).__name__)
        raise NhsLoginFailed(_DID_NOT_COMPLETE) from error
    return decoded.claims


def _identity(claims: dict) -> NhsLoginIdentity:
    try:
        birthdate = datetime.date.fromisoformat(claims.get("birthdate", ""))
    except ValueError:
        birthdate = None
    return NhsLoginIdentity(
        subject=str(claims["sub"]),
        nhs_number=str(claims.get("nhs_number", "")).replace(" ", ""),
        identity_level=str(claims.get("identity_proofing_level", "")),
        given_name=str(claims.get("given_name", "")),
        family_name=str(claims.get("family_name", "")),
        birthdate=birthdate,
        email=str(claims.get("email", "")),
        email_verified=bool(claims.get("email_verified")),
        phone_number=str(claims.get("phone_number", "")),
    )
