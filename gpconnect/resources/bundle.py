"""Searchset Bundles (GPConnect-Searchset-Bundle-1): made by providers, read by consumers."""

from collections.abc import Iterable, Mapping
from typing import Any

from gpconnect import codes
from gpconnect.resources import elements


def searchset(resources: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A searchset Bundle with a fullUrl for every entry."""
    return {
        "resourceType": "Bundle",
        "meta": {"profile": [codes.PROFILE_SEARCHSET_BUNDLE]},
        "type": "searchset",
        "entry": [
            {"fullUrl": f"{resource['resourceType']}/{resource['id']}", "resource": resource}
            for resource in resources
        ],
    }


def resources_in(bundle: Any, resource_type: str) -> list[dict[str, Any]]:
    """The resources of one type in a Bundle's entries."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise elements.invalid("Expected a Bundle.")
    found = []
    for entry in bundle.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == resource_type:
            found.append(resource)
    return found
