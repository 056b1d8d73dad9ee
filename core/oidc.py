"""An OpenID Connect relying party, as NHS login and CIS2 both want one: the authorisation
code flow with PKCE (S256) and `private_key_jwt` client authentication, through Authlib's
client; the ID token checked with joserfc against the provider's published keys.

`authorisation_redirect` sends the browser to the provider with a fresh state, nonce and
PKCE verifier kept in its session; `answer_from_callback` checks what comes back (once: the
state is used up), exchanges the code, checks the ID token and fetches the userinfo. What the
claims mean is the caller's business (`online.nhs_login`, `governance.cis2`).
"""

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseRedirect
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

logger = logging.getLogger(__name__)

_METADATA_SECONDS = 15 * 60


@dataclass(frozen=True)
class Provider:
    """One provider and our client there, read from settings by the caller."""

    name: str  # as people know it: "NHS login", "CIS2"
    issuer: str
    client_id: str
    private_key_file: str
    scope: str
    session_key: str  # where the flow waits in the browser's session
    timeout_seconds: float = 10
    # Sent with the authorisation request: NHS login's `vtr`, CIS2's `acr_values`.
    authorisation_parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """What the provider said: the checked ID token's claims and the userinfo."""

    id_token: dict
    userinfo: dict


class SignInFailed(Exception):
    """Sign-in did not complete; the message is safe to show the person signing in."""


def _unavailable(provider: Provider) -> SignInFailed:
    return SignInFailed(f"{provider.name} is not available at the moment. Try again later.")


def _did_not_complete(provider: Provider) -> SignInFailed:
    return SignInFailed(f"Signing in with {provider.name} did not complete. Try again.")


def _metadata(provider: Provider) -> dict:
    """The provider's discovery document, cached for a while."""
    issuer = provider.issuer
    if not issuer:
        raise _unavailable(provider)
    key = f"oidc:metadata:{issuer}"
    metadata = cache.get(key)
    if metadata is None:
        metadata = _get_json(provider, f"{issuer.rstrip('/')}/.well-known/openid-configuration")
        if metadata.get("issuer") not in {issuer, issuer.rstrip("/")}:
            logger.error("%s's discovery document names another issuer", provider.name)
            raise _unavailable(provider)
        cache.set(key, metadata, _METADATA_SECONDS)
    return metadata


def _keys(provider: Provider, metadata: dict, *, refresh: bool = False) -> KeySet:
    key = f"oidc:jwks:{metadata['jwks_uri']}"
    jwks = None if refresh else cache.get(key)
    if jwks is None:
        jwks = _get_json(provider, metadata["jwks_uri"])
        cache.set(key, jwks, _METADATA_SECONDS)
    return KeySet.import_key_set(jwks)


def _get_json(provider: Provider, url: str) -> dict:
    try:
        response = httpx.get(url, timeout=provider.timeout_seconds)
        response.raise_for_status()
        return response.json()
    except (httpx.HTTPError, ValueError) as error:
        logger.error("%s unreachable: %s", provider.name, type(error).__name__)
        raise _unavailable(provider) from error


def _client(provider: Provider, metadata: dict, redirect_uri: str) -> OAuth2Session:
    private_key = Path(provider.private_key_file).read_text()
    client = OAuth2Session(
        client_id=provider.client_id,
        client_secret=private_key,
        token_endpoint_auth_method=PrivateKeyJWT.name,
        scope=provider.scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        default_timeout=provider.timeout_seconds,
    )
    client.register_client_auth_method(PrivateKeyJWT(metadata["token_endpoint"], alg="RS512"))
    return client


def authorisation_redirect(
    request: HttpRequest, provider: Provider, *, redirect_uri: str
) -> HttpResponseRedirect:
    """Send the browser to the provider; what is needed to check the answer stays in its
    session."""
    metadata = _metadata(provider)
    state, nonce, verifier = (
        secrets.token_urlsafe(24),
        secrets.token_urlsafe(24),
        generate_token(64),
    )
    with _client(provider, metadata, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"],
            state=state,
            nonce=nonce,
            code_verifier=verifier,
            **provider.authorisation_parameters,
        )
    request.session[provider.session_key] = {"state": state, "nonce": nonce, "verifier": verifier}
    return HttpResponseRedirect(url)


def answer_from_callback(request: HttpRequest, provider: Provider, *, redirect_uri: str) -> Answer:
    """Check the provider's answer (once: the state is used up), exchange the code, check
    the ID token and read the userinfo, which must be about the same subject."""
    flow = request.session.pop(provider.session_key, None)
    if flow is None or not secrets.compare_digest(request.GET.get("state", ""), flow["state"]):
        raise _did_not_complete(provider)
    if "error" in request.GET:
        if request.GET["error"] == "access_denied":
            raise SignInFailed(f"You did not finish signing in with {provider.name}.")
        logger.warning("%s answered with error %s", provider.name, request.GET["error"][:60])
        raise _did_not_complete(provider)
    code = request.GET.get("code")
    if not code:
        raise _did_not_complete(provider)
    metadata = _metadata(provider)
    try:
        with _client(provider, metadata, redirect_uri) as client:
            token = client.fetch_token(
                metadata["token_endpoint"], code=code, code_verifier=flow["verifier"]
            )
            claims = _checked_id_token(provider, token.get("id_token", ""), metadata, flow["nonce"])
            userinfo = client.get(metadata["userinfo_endpoint"])
            userinfo.raise_for_status()
            details = userinfo.json()
    except SignInFailed:
        raise
    except Exception as error:  # the exchange failed: the person is told, we log why
        logger.warning("%s code exchange failed: %s", provider.name, type(error).__name__)
        raise _did_not_complete(provider) from error
    if details.get("sub") != claims["sub"]:
        logger.warning("%s's userinfo is for another subject", provider.name)
        raise _did_not_complete(provider)
    return Answer(id_token=claims, userinfo=details)


def _checked_id_token(provider: Provider, id_token: str, metadata: dict, nonce: str) -> dict:
    try:
        try:
            decoded = jwt.decode(id_token, _keys(provider, metadata))
        except JoseError:  # the provider may have turned its keys over
            decoded = jwt.decode(id_token, _keys(provider, metadata, refresh=True))
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": provider.client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as error:
        logger.warning("%s's ID token was refused: %s", provider.name, type(error).__name__)
        raise _did_not_complete(provider) from error
    return decoded.claims
