"""The CapabilityStatement a provider answers `GET metadata` with
(`foundations_use_case_get_the_fhir_capability_statement.md`): GP Connect 1.2.7 over FHIR
3.0.1, JSON only, and the resources, interactions and search parameters this provider
serves, read from the interactions it carries out, so it never claims one it does not.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from gpconnect import codes
from gpconnect.rest import FHIR_JSON, Interaction

GP_CONNECT_VERSION = "1.2.7"
FHIR_VERSION = "3.0.1"


@dataclass(frozen=True)
class Software:
    """Who makes the provider, as the statement names it."""

    name: str
    version: str
    release_date: str  # yyyy-mm-dd
    publisher: str


# What each interaction adds to the statement: (resource type, FHIR interaction code,
# search parameters as (name, type, documentation)), and an operation's name.
_SERVED: dict[Interaction, tuple[str, str, tuple[tuple[str, str, str], ...]]] = {
    Interaction.SEARCH_FREE_SLOTS: (
        "Slot",
        "search-type",
        (
            ("start", "date", "Slots starting on or after (ge), a date or a dateTime"),
            ("end", "date", "Slots ending on or before (le), a date or a dateTime"),
            ("status", "token", "free"),
            ("searchFilter", "token", "The booking organisation's ODS code and type"),
        ),
    ),
    Interaction.BOOK_APPOINTMENT: ("Appointment", "create", ()),
    Interaction.READ_APPOINTMENT: ("Appointment", "read", ()),
    Interaction.AMEND_APPOINTMENT: ("Appointment", "update", ()),
    Interaction.CANCEL_APPOINTMENT: ("Appointment", "update", ()),
    Interaction.RETRIEVE_APPOINTMENTS: (
        "Appointment",
        "search-type",
        (("start", "date", "Appointments starting between a ge and an le date"),),
    ),
    Interaction.FIND_PATIENT: (
        "Patient",
        "search-type",
        (("identifier", "token", f"NHS number ({codes.SYSTEM_NHS_NUMBER}|9999999999)"),),
    ),
    Interaction.READ_PATIENT: ("Patient", "read", ()),
}
_OPERATIONS = {Interaction.REGISTER_PATIENT: "gpc.registerpatient"}
_PROFILES = (
    codes.PROFILE_PATIENT,
    codes.PROFILE_ORGANIZATION,
    codes.PROFILE_PRACTITIONER,
    codes.PROFILE_LOCATION,
    codes.PROFILE_OPERATION_OUTCOME,
    codes.PROFILE_APPOINTMENT,
    codes.PROFILE_SCHEDULE,
    codes.PROFILE_SLOT,
)


def capability_statement(
    software: Software, interactions: Collection[Interaction], *, description: str
) -> dict[str, Any]:
    resources: dict[str, dict[str, Any]] = {}
    for interaction in Interaction:
        if interaction not in interactions or interaction not in _SERVED:
            continue
        resource_type, code, params = _SERVED[interaction]
        entry = resources.setdefault(
            resource_type, {"type": resource_type, "interaction": [], "searchParam": []}
        )
        if {"code": code} not in entry["interaction"]:
            entry["interaction"].append({"code": code})
        for name, kind, documentation in params:
            param = {"name": name, "type": kind, "documentation": documentation}
            if all(p["name"] != name for p in entry["searchParam"]):
                entry["searchParam"].append(param)
    for entry in resources.values():
        if not entry["searchParam"]:
            del entry["searchParam"]
    rest: dict[str, Any] = {
        "mode": "server",
        "security": {"cors": False},
        "resource": list(resources.values()),
    }
    operations = [
        {"name": name, "definition": {"reference": f"OperationDefinition/{name}-1"}}
        for interaction, name in _OPERATIONS.items()
        if interaction in interactions
    ]
    if operations:
        rest["operation"] = operations
    return {
        "resourceType": "CapabilityStatement",
        "version": GP_CONNECT_VERSION,
        "name": "GP Connect",
        "status": "active",
        "date": software.release_date,
        "publisher": software.publisher,
        "description": description,
        "kind": "instance",
        "software": {
            "name": software.name,
            "version": software.version,
            "releaseDate": software.release_date,
        },
        "fhirVersion": FHIR_VERSION,
        "acceptUnknown": "both",
        "format": [FHIR_JSON],
        "profile": [{"reference": profile} for profile in _PROFILES],
        "rest": [rest],
    }
