"""CIS2 (NHS Care Identity Service 2) as an OpenID Connect provider for staff, through the
shared client in `core.oidc`, and what its claims say.

CIS2 names the person by `sub` (their CIS2 UUID), says in the ID token how strongly they
authenticated (`authentication_assurance_level`: 3 for a smartcard and its passcode or an
authenticator as strong) and which role profile they picked at CIS2, if any
(`selected_roleid`); the userinfo lists their national RBAC role profiles
(`nhsid_nrbac_roles`), each at one organisation (`org_code`, an ODS code). Which Hub Diary
membership that makes them is `governance.staff_sign_in`'s business.
"""

import re
from dataclasses import asdict, dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect

from core import oidc

# The role profiles come with `nationalrbacaccess`; `selected_roleid` comes when CIS2 had
# the person pick one (the smartcard's own role picker does); otherwise we ask.
SCOPE = "openid profile nationalrbacaccess"
# Ask CIS2 for an authenticator at assurance level 3 only, and check that it was.
ACR_VALUES = "AAL3_ANY"
REQUIRED_ASSURANCE_LEVEL = "3"

# The CIS2 UUID as an administrator types it: CIS2's are 12 digits, but take any plain id.
UID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")

Cis2Failed = oidc.SignInFailed


@dataclass(frozen=True)
class RoleProfile:
    """One of the person's national RBAC role profiles: a role at one organisation."""

    role_id: str  # person_roleid
    org_code: str  # the organisation's ODS code
    role_code: str  # job role, such as "S8000:G8000:R8000"
    role_name: str

    @property
    def title(self) -> str:
        """The role's own name: CIS2 gives its area, family and role, quoted, colon-joined."""
        return self.role_name.replace('"', "").split(":")[-1].strip() or self.role_code

    def as_session(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Cis2Identity:
    uid: str
    name: str
    assurance_level: str
    selected_role_id: str
    role_profiles: tuple[RoleProfile, ...]

    @property
    def strong_enough(self) -> bool:
        return self.assurance_level == REQUIRED_ASSURANCE_LEVEL


def _provider() -> oidc.Provider:
    return oidc.Provider(
        name="CIS2",
        issuer=settings.CIS2_ISSUER,
        client_id=settings.CIS2_CLIENT_ID,
        private_key_file=settings.CIS2_PRIVATE_KEY_FILE,
        scope=SCOPE,
        session_key="cis2_flow",
        timeout_seconds=settings.CIS2_TIMEOUT_SECONDS,
        # prompt=login: a fresh authentication each time, never a session left at CIS2.
        authorisation_parameters={"acr_values": ACR_VALUES, "prompt": "login"},
    )


def authorisation_redirect(request: HttpRequest, *, redirect_uri: str) -> HttpResponseRedirect:
    return oidc.authorisation_redirect(request, _provider(), redirect_uri=redirect_uri)


def identity_from_callback(request: HttpRequest, *, redirect_uri: str) -> Cis2Identity:
    """Check CIS2's answer and read who the person is. The assurance level and the selected
    role come from the signed ID token; the role profiles from the userinfo."""
    answer = oidc.answer_from_callback(request, _provider(), redirect_uri=redirect_uri)
    claims = answer.id_token
    return Cis2Identity(
        uid=str(claims["sub"]),
        name=str(answer.userinfo.get("name") or claims.get("name") or ""),
        assurance_level=str(claims.get("authentication_assurance_level", "")),
        selected_role_id=str(claims.get("selected_roleid") or ""),
        role_profiles=role_profiles_in(answer.userinfo.get("nhsid_nrbac_roles")),
    )


def role_profiles_in(raw: object) -> tuple[RoleProfile, ...]:
    """The well-formed role profiles in the `nhsid_nrbac_roles` claim; the others are left
    out, as no organisation could be matched to them."""
    if not isinstance(raw, list):
        return ()
    profiles = []
    for entry in raw:
        if not isinstance(entry, dict):
            continue
        role_id, org_code = entry.get("person_roleid"), entry.get("org_code")
        if not (isinstance(role_id, str) and role_id and isinstance(org_code, str) and org_code):
            continue
        profiles.append(
            RoleProfile(
                role_id=role_id,
                org_code=org_code.strip().upper(),
                role_code=str(entry.get("role_code") or ""),
                role_name=str(entry.get("role_name") or ""),
            )
        )
    return tuple(profiles)


def identity_from_session(data: dict) -> Cis2Identity:
    """An identity kept in the session while the person chooses a role profile."""
    return Cis2Identity(
        uid=data["uid"],
        name=data["name"],
        assurance_level=data["assurance_level"],
        selected_role_id=data["selected_role_id"],
        role_profiles=tuple(RoleProfile(**profile) for profile in data["role_profiles"]),
    )


def identity_as_session(identity: Cis2Identity) -> dict:
    return {
        "uid": identity.uid,
        "name": identity.name,
        "assurance_level": identity.assurance_level,
        "selected_role_id": identity.selected_role_id,
        "role_profiles": [profile.as_session() for profile in identity.role_profiles],
    }
