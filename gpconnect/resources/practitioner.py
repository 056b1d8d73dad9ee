"""Practitioner: the clinician a Schedule (and an appointment) names, where known."""

from dataclasses import dataclass
from typing import Any

from gpconnect import codes
from gpconnect.resources import elements


@dataclass(frozen=True)
class Practitioner:
    """A clinician (GP Connect never sends their telecom, address or birth date)."""

    id: str
    family: str
    given: tuple[str, ...] = ()
    prefix: tuple[str, ...] = ()
    gender: str = "unknown"
    sds_user_id: str = ""

    @property
    def display_name(self) -> str:
        return " ".join([*self.prefix, *self.given, self.family]).strip()

    def to_fhir(self, *, version: str = "") -> dict[str, Any]:
        name: dict[str, Any] = {"family": self.family}
        if self.given:
            name["given"] = list(self.given)
        if self.prefix:
            name["prefix"] = list(self.prefix)
        resource: dict[str, Any] = {
            "resourceType": "Practitioner",
            "id": self.id,
            "meta": elements.meta(codes.PROFILE_PRACTITIONER, version),
        }
        if self.sds_user_id:
            resource["identifier"] = [
                {"system": codes.SYSTEM_SDS_USER_ID, "value": self.sds_user_id}
            ]
        resource["name"] = [name]
        resource["gender"] = self.gender
        return resource

    @classmethod
    def from_fhir(cls, resource: Any) -> "Practitioner":
        resource = elements.expect_type(resource, "Practitioner")
        names = resource.get("name")
        name = names[0] if isinstance(names, list) and names else names
        name = name if isinstance(name, dict) else {}
        family = name.get("family", "")
        if isinstance(family, list):  # DSTU2-style, as in some published examples
            family = " ".join(str(part) for part in family)
        return cls(
            id=elements.string(resource, "id", required=True),
            family=str(family or ""),
            given=tuple(str(word) for word in name.get("given") or []),
            prefix=tuple(str(word) for word in name.get("prefix") or []),
            gender=str(resource.get("gender") or "unknown"),
            sds_user_id=elements.identifier(resource, codes.SYSTEM_SDS_USER_ID),
        )
