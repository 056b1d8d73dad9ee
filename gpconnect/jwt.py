"""The GP Connect audit JWT: an unsigned token of claims saying who asks, from where, why.

GP Connect consumers build a new JWT for every request and send it as
`Authorization: Bearer <jwt>`; it is unsigned ("alg": "none", an empty signature, so the
token ends with "."), because it carries audit and provenance, not proof. Source:
nhsconnect/gpconnect `integration_cross_organisation_audit_and_provenance.md` (1.x):

- `iss` the consumer's URL, `sub` the user's id (= `requesting_practitioner.id`), `aud` the
  requested resource URI (the provider's FHIR service root), `iat` now and `exp` = `iat` +
  300 s in whole UNIX seconds; providers reject expired tokens;
- `reason_for_request` is always `directcare`;
- `requested_scope` `patient/*.read|write` (Patient, Appointment) or
  `organization/*.read|write` (Slot, Organization, Practitioner, Location) — see
  `development_api_security_guidance.md`;
- `requesting_device`, `requesting_organization` (ODS code and name) and
  `requesting_practitioner` (SDS user and role profile ids, "UNK" where unknown, plus the
  local user id) are minimal FHIR resources. In a hosted topology the organisation and
  practitioner are the originating user's own, never the host's.

`requested_record` (a minimal Patient or Organization) is built when given and accepted
when present; later 1.x versions dropped it, so it is never required.
"""

import base64
import binascii
import enum
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gpconnect import codes
from gpconnect.times import epoch_seconds

LIFETIME_SECONDS = 300
REASON_FOR_REQUEST = "directcare"
# Clock skew we tolerate on `iat` (GP Connect asks both sides to sync to NHS NTP).
CLOCK_SKEW_SECONDS = 30


class Scope(enum.StrEnum):
    PATIENT_READ = "patient/*.read"
    PATIENT_WRITE = "patient/*.write"
    ORGANIZATION_READ = "organization/*.read"
    ORGANIZATION_WRITE = "organization/*.write"


class InvalidToken(ValueError):
    """The token is missing, malformed, expired or lacks a claim; the message says which."""


@dataclass(frozen=True)
class RequestingDevice:
    """Our system, for `requesting_device`."""

    id: str
    identifier_system: str
    identifier_value: str
    model: str
    version: str
    url: str = ""

    def to_fhir(self) -> dict[str, Any]:
        device: dict[str, Any] = {
            "resourceType": "Device",
            "id": self.id,
            "identifier": [{"system": self.identifier_system, "value": self.identifier_value}],
            "model": self.model,
            "version": self.version,
        }
        if self.url:
            device["url"] = self.url
        return device


@dataclass(frozen=True)
class RequestingOrganisation:
    """The signed-in user's own organisation, for `requesting_organization`."""

    ods_code: str
    name: str

    def to_fhir(self) -> dict[str, Any]:
        return {
            "resourceType": "Organization",
            "id": self.ods_code,
            "identifier": [{"system": codes.SYSTEM_ODS_CODE, "value": self.ods_code}],
            "name": self.name,
        }


@dataclass(frozen=True)
class RequestingPractitioner:
    """The signed-in user, for `requesting_practitioner` (and `sub`)."""

    id: str
    family: str
    given: tuple[str, ...] = ()
    prefix: tuple[str, ...] = ()
    sds_user_id: str = codes.UNKNOWN
    sds_role_profile_id: str = codes.UNKNOWN
    local_system: str = codes.SYSTEM_HUB_DIARY_USER

    @classmethod
    def from_display_name(cls, *, id: str, name: str, **kwargs: Any) -> "RequestingPractitioner":
        """Split "Ada Lovelace" into given and family names (the last word is the family)."""
        words = name.split()
        family = words[-1] if words else name or id
        return cls(id=id, family=family, given=tuple(words[:-1]), **kwargs)

    def to_fhir(self) -> dict[str, Any]:
        name: dict[str, Any] = {"family": self.family}
        if self.given:
            name["given"] = list(self.given)
        if self.prefix:
            name["prefix"] = list(self.prefix)
        return {
            "resourceType": "Practitioner",
            "id": self.id,
            "identifier": [
                {"system": codes.SYSTEM_SDS_USER_ID, "value": self.sds_user_id},
                {"system": codes.SYSTEM_SDS_ROLE_PROFILE_ID, "value": self.sds_role_profile_id},
                {"system": self.local_system, "value": self.id},
            ],
            "name": [name],
        }


def patient_record(nhs_number: str) -> dict[str, Any]:
    """A minimal Patient for `requested_record`."""
    return {
        "resourceType": "Patient",
        "identifier": [{"system": codes.SYSTEM_NHS_NUMBER, "value": nhs_number}],
    }


def organisation_record(ods_code: str) -> dict[str, Any]:
    """A minimal Organization for `requested_record`."""
    return {
        "resourceType": "Organization",
        "identifier": [{"system": codes.SYSTEM_ODS_CODE, "value": ods_code}],
    }


def build_claims(
    *,
    issuer: str,
    audience: str,
    scope: Scope,
    device: RequestingDevice,
    organisation: RequestingOrganisation,
    practitioner: RequestingPractitioner,
    now: datetime,
    requested_record: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The claims for one request, issued `now` and expiring 300 seconds later."""
    issued_at = epoch_seconds(now)
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": practitioner.id,
        "aud": audience,
        "exp": issued_at + LIFETIME_SECONDS,
        "iat": issued_at,
        "reason_for_request": REASON_FOR_REQUEST,
        "requested_scope": str(scope),
        "requesting_device": device.to_fhir(),
        "requesting_organization": organisation.to_fhir(),
        "requesting_practitioner": practitioner.to_fhir(),
    }
    if requested_record is not None:
        claims["requested_record"] = dict(requested_record)
    return claims


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_unsigned(claims: Mapping[str, Any]) -> str:
    """An unsecured JWT: header and payload base64url-encoded, an empty signature."""
    header = json.dumps({"alg": "none", "typ": "JWT"}, separators=(",", ":")).encode()
    payload = json.dumps(dict(claims), separators=(",", ":")).encode()
    return f"{_b64encode(header)}.{_b64encode(payload)}."


def decode_unsigned(token: str) -> dict[str, Any]:
    """The claims of an unsecured JWT, without checking them (see `validate_claims`)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("The JWT must have three dot-separated parts.")
    if parts[2]:
        raise InvalidToken("The JWT must be unsigned: its signature part must be empty.")
    try:
        header = json.loads(_b64decode(parts[0]))
        payload = json.loads(_b64decode(parts[1]))
    except (ValueError, binascii.Error) as exc:
        raise InvalidToken("The JWT header or payload is not base64url-encoded JSON.") from exc
    if not isinstance(header, dict) or header.get("alg") != "none":
        raise InvalidToken('The JWT header must say "alg": "none".')
    if header.get("typ", "JWT") != "JWT":
        raise InvalidToken('The JWT header must say "typ": "JWT".')
    if not isinstance(payload, dict):
        raise InvalidToken("The JWT payload must be a JSON object.")
    return payload


@dataclass(frozen=True)
class Claims:
    """Validated claims, with the parts a provider records for audit at hand."""

    issuer: str
    subject: str
    audience: str
    issued_at: int
    expires_at: int
    scope: Scope
    organisation_ods: str
    organisation_name: str
    practitioner_id: str
    practitioner_name: str
    device: Mapping[str, Any]
    raw: Mapping[str, Any] = field(repr=False)


def _text(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidToken(f"The JWT claim {name!r} is missing or empty.")
    return value


def _seconds(claims: Mapping[str, Any], name: str) -> int:
    value = claims.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidToken(f"The JWT claim {name!r} must be an integer of UNIX seconds.")
    return value


def _resource(claims: Mapping[str, Any], name: str, resource_type: str) -> Mapping[str, Any]:
    value = claims.get(name)
    if not isinstance(value, dict) or value.get("resourceType") != resource_type:
        raise InvalidToken(f"The JWT claim {name!r} must be a FHIR {resource_type}.")
    return value


def _identifier(resource: Mapping[str, Any], system: str) -> str:
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") == system:
            value = identifier.get("value")
            if isinstance(value, str) and value.strip():
                return value
    return ""


def _human_name(resource: Mapping[str, Any]) -> str:
    names = resource.get("name")
    name = names[0] if isinstance(names, list) and names else names
    if not isinstance(name, dict):
        return ""
    family = name.get("family")
    if isinstance(family, list):  # DSTU2-style names still seen in the wild
        family = " ".join(str(part) for part in family)
    given = name.get("given") or []
    words = [str(word) for word in (given if isinstance(given, list) else [given])]
    return " ".join([*words, family]) if isinstance(family, str) and family else ""


def validate_claims(
    claims: Mapping[str, Any],
    *,
    now: datetime,
    scopes: Collection[Scope] | None = None,
) -> Claims:
    """Check every claim GP Connect requires; `scopes` are those the endpoint accepts."""
    issuer = _text(claims, "iss")
    subject = _text(claims, "sub")
    audience = _text(claims, "aud")
    issued_at = _seconds(claims, "iat")
    expires_at = _seconds(claims, "exp")
    if expires_at - issued_at != LIFETIME_SECONDS:
        raise InvalidToken("The JWT must expire exactly 300 seconds after it was issued.")
    current = epoch_seconds(now)
    if current >= expires_at:
        raise InvalidToken("The JWT has expired.")
    if issued_at > current + CLOCK_SKEW_SECONDS:
        raise InvalidToken("The JWT was issued in the future: check the clock.")
    if claims.get("reason_for_request") != REASON_FOR_REQUEST:
        raise InvalidToken('The JWT claim "reason_for_request" must be "directcare".')
    try:
        scope = Scope(_text(claims, "requested_scope"))
    except ValueError as exc:
        raise InvalidToken(
            'The JWT claim "requested_scope" must be patient/*.read|write or '
            "organization/*.read|write."
        ) from exc
    if scopes is not None and scope not in scopes:
        allowed = " or ".join(sorted(str(s) for s in scopes))
        raise InvalidToken(f"This request needs requested_scope {allowed}, not {scope}.")

    device = _resource(claims, "requesting_device", "Device")
    if not any(
        isinstance(i, dict) and i.get("system") and i.get("value")
        for i in device.get("identifier") or []
    ):
        raise InvalidToken("The requesting_device needs an identifier with system and value.")

    organisation = _resource(claims, "requesting_organization", "Organization")
    ods_code = _identifier(organisation, codes.SYSTEM_ODS_CODE)
    if not ods_code:
        raise InvalidToken("The requesting_organization needs its ODS code as an identifier.")
    organisation_name = organisation.get("name")
    if not isinstance(organisation_name, str) or not organisation_name.strip():
        raise InvalidToken("The requesting_organization needs a name.")

    practitioner = _resource(claims, "requesting_practitioner", "Practitioner")
    if practitioner.get("id") != subject:
        raise InvalidToken('The JWT "sub" must match requesting_practitioner.id.')
    for system in (codes.SYSTEM_SDS_USER_ID, codes.SYSTEM_SDS_ROLE_PROFILE_ID):
        if not _identifier(practitioner, system):
            raise InvalidToken(
                f"The requesting_practitioner needs an identifier in {system} (UNK if unknown)."
            )
    practitioner_name = _human_name(practitioner)
    if not practitioner_name:
        raise InvalidToken("The requesting_practitioner needs a name with a family name.")

    record = claims.get("requested_record")
    record_types = {"Patient", "Organization"}
    if record is not None and (
        not isinstance(record, dict) or record.get("resourceType") not in record_types
    ):
        raise InvalidToken("The requested_record, when sent, must be a Patient or Organization.")

    return Claims(
        issuer=issuer,
        subject=subject,
        audience=audience,
        issued_at=issued_at,
        expires_at=expires_at,
        scope=scope,
        organisation_ods=ods_code,
        organisation_name=organisation_name,
        practitioner_id=subject,
        practitioner_name=practitioner_name,
        device=device,
        raw=dict(claims),
    )


def read_bearer_token(
    authorization: str | None, *, now: datetime, scopes: Collection[Scope] | None = None
) -> Claims:
    """Decode and validate the JWT in an `Authorization: Bearer ...` header."""
    if not authorization:
        raise InvalidToken("The Authorization header with a Bearer JWT is missing.")
    kind, _, token = authorization.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        raise InvalidToken("The Authorization header must be 'Bearer <jwt>'.")
    return validate_claims(decode_unsigned(token.strip()), now=now, scopes=scopes)
