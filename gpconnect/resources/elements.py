"""The FHIR elements every resource reads and writes: strings, instants, references,
identifiers, extensions, telecom, addresses, SDS job roles and delivery channels.

Readers raise `GPConnectError(INVALID_RESOURCE)` for anything that breaks the profile,
which is exactly what a provider answers with.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gpconnect import codes
from gpconnect.errors import GPConnectError, SpineError
from gpconnect.times import parse_instant


def invalid(message: str) -> GPConnectError:
    return GPConnectError(SpineError.INVALID_RESOURCE, message)


def expect_type(resource: Any, resource_type: str) -> Mapping[str, Any]:
    if not isinstance(resource, dict) or resource.get("resourceType") != resource_type:
        raise invalid(f"Expected a {resource_type} resource.")
    return resource


def string(resource: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    value = resource.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise invalid(f"{resource.get('resourceType', 'Resource')}.{name} must be a string.")
    if required and not value.strip():
        raise invalid(f"{resource.get('resourceType', 'Resource')}.{name} is required.")
    return value


def instant(resource: Mapping[str, Any], name: str) -> datetime:
    try:
        return parse_instant(resource.get(name))  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise invalid(
            f"{resource.get('resourceType', 'Resource')}.{name} must be a dateTime with an offset."
        ) from exc


def meta(profile: str, version: str = "") -> dict[str, Any]:
    written: dict[str, Any] = {"profile": [profile]}
    if version:
        written["versionId"] = version
    return written


def version_of(resource: Mapping[str, Any]) -> str:
    found = resource.get("meta")
    if isinstance(found, dict) and isinstance(found.get("versionId"), str):
        return found["versionId"]
    return ""


def reference_id(reference: Any, resource_type: str) -> str:
    """The logical id in a reference such as "Slot/1584" (relative or absolute)."""
    text = reference.get("reference") if isinstance(reference, dict) else reference
    if not isinstance(text, str):
        raise invalid(f"Expected a reference to a {resource_type}.")
    parts = text.rstrip("/").split("/")
    if len(parts) < 2 or parts[-2] != resource_type or not parts[-1]:
        raise invalid(f"Expected a reference to a {resource_type}, not {text!r}.")
    return parts[-1]


def extension(resource: Mapping[str, Any], url: str) -> Mapping[str, Any] | None:
    for item in resource.get("extension") or []:
        if isinstance(item, dict) and item.get("url") == url:
            return item
    return None


def identifier(resource: Mapping[str, Any], system: str) -> str:
    for item in resource.get("identifier") or []:
        if isinstance(item, dict) and item.get("system") == system:
            value = item.get("value")
            return value if isinstance(value, str) else ""
    return ""


def phone(resource: Mapping[str, Any]) -> str:
    telecom = resource.get("telecom") or []
    # The spec's own search example writes telecom as an object; STU3 says a list.
    for item in [telecom] if isinstance(telecom, dict) else telecom:
        if isinstance(item, dict) and item.get("system") == "phone":
            value = item.get("value")
            return value if isinstance(value, str) else ""
    return ""


def address(resource: Mapping[str, Any]) -> tuple[tuple[str, ...], str, str]:
    """The first address's lines, city and postcode."""
    found = resource.get("address") or {}
    if isinstance(found, list):
        found = found[0] if found else {}
    if not isinstance(found, dict):
        return (), "", ""
    lines = tuple(str(line) for line in found.get("line") or [] if line)
    return lines, str(found.get("city") or ""), str(found.get("postalCode") or "")


def address_fhir(lines: tuple[str, ...], city: str, postcode: str) -> dict[str, Any]:
    written: dict[str, Any] = {}
    if lines:
        written["line"] = list(lines)
    if city:
        written["city"] = city
    if postcode:
        written["postalCode"] = postcode
    return written


def role_concept(code: str) -> dict[str, Any]:
    """An SDS job role as a CodeableConcept, with its display name where we know it."""
    coding = {"system": codes.SYSTEM_SDS_JOB_ROLE, "code": code}
    if code in codes.SDS_JOB_ROLES:
        coding["display"] = codes.SDS_JOB_ROLES[code]
    return {"coding": [coding]}


def role_code(resource: Mapping[str, Any]) -> str:
    """The SDS job-role code in the practitioner role extension, or ""."""
    role = extension(resource, codes.EXT_PRACTITIONER_ROLE)
    concept = role.get("valueCodeableConcept") if role else None
    for coding in (concept or {}).get("coding") or []:
        if isinstance(coding, dict) and isinstance(coding.get("code"), str):
            return coding["code"]
    return ""


def delivery_channel(resource: Mapping[str, Any]) -> str:
    channel = extension(resource, codes.EXT_DELIVERY_CHANNEL)
    value = channel.get("valueCode") if channel else ""
    return value if isinstance(value, str) else ""


def text_of(concept: Any) -> str:
    """The text of a CodeableConcept, or of the first in a list of them."""
    if isinstance(concept, list):
        concept = concept[0] if concept else None
    if isinstance(concept, dict) and isinstance(concept.get("text"), str):
        return concept["text"]
    return ""
