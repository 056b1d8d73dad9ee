"""Location: a surgery where appointments take place, as a Schedule's actor names it."""

from dataclasses import dataclass
from typing import Any

from gpconnect import codes
from gpconnect.resources import elements


@dataclass(frozen=True)
class Location:
    """A surgery (a practice's main site or a branch) where appointments take place."""

    id: str
    name: str
    managing_organization_id: str
    address_lines: tuple[str, ...] = ()
    city: str = ""
    postcode: str = ""
    phone: str = ""

    def to_fhir(self, *, version: str = "") -> dict[str, Any]:
        resource: dict[str, Any] = {
            "resourceType": "Location",
            "id": self.id,
            "meta": elements.meta(codes.PROFILE_LOCATION, version),
            "name": self.name,
        }
        address = elements.address_fhir(self.address_lines, self.city, self.postcode)
        if address:
            resource["address"] = address
        if self.phone:
            resource["telecom"] = [{"system": "phone", "value": self.phone, "use": "work"}]
        resource["managingOrganization"] = {
            "reference": f"Organization/{self.managing_organization_id}"
        }
        return resource

    @classmethod
    def from_fhir(cls, resource: Any) -> "Location":
        resource = elements.expect_type(resource, "Location")
        lines, city, postcode = elements.address(resource)
        managing = resource.get("managingOrganization")
        return cls(
            id=elements.string(resource, "id", required=True),
            name=elements.string(resource, "name"),
            managing_organization_id=(
                elements.reference_id(managing, "Organization") if managing is not None else ""
            ),
            address_lines=lines,
            city=city,
            postcode=postcode,
            phone=elements.phone(resource),
        )
