"""Signing in with NHS login: OpenID Connect's authorisation code flow with PKCE and
`private_key_jwt`, as NHS login requires, through the shared client in `core.oidc`.

`authorisation_redirect` sends the patient to NHS login asking for an identity proved to P9;
`identity_from_callback` checks what comes back and returns who NHS login says the patient
is, with their NHS number and the level to which their identity was proved (P9: fully).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect

from core import oidc

# The shared client's failure, by the name the patient pages know it by.
NhsLoginFailed = oidc.SignInFailed

_SCOPE = "openid profile email phone"
# NHS login's "vectors of trust": ask for an identity proved to P9.
_VTR = '["P9.Cp.Cd", "P9.Cp.Ck", "P9.Cm"]'
FULLY_VERIFIED = "P9"


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


def _provider() -> oidc.Provider:
    return oidc.Provider(
        name="NHS login",
        issuer=settings.NHS_LOGIN_ISSUER,
        client_id=settings.NHS_LOGIN_CLIENT_ID,
        private_key_file=settings.NHS_LOGIN_PRIVATE_KEY_FILE,
        scope=_SCOPE,
        session_key="nhs_login_flow",
        timeout_seconds=settings.NHS_LOGIN_TIMEOUT_SECONDS,
        authorisation_parameters={"vtr": _VTR},
    )


def authorisation_redirect(request: HttpRequest, *, redirect_uri: str) -> HttpResponseRedirect:
    """Send the patient to NHS login; what is needed to check the answer stays in their
    session."""
    return oidc.authorisation_redirect(request, _provider(), redirect_uri=redirect_uri)


def identity_from_callback(request: HttpRequest, *, redirect_uri: str) -> NhsLoginIdentity:
    """Check NHS login's answer and read the patient's details (NHS login puts them in the
    ID token and at the userinfo endpoint; the userinfo's win)."""
    answer = oidc.answer_from_callback(request, _provider(), redirect_uri=redirect_uri)
    return _identity({**answer.id_token, **answer.userinfo})


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
