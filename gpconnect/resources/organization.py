"""Organization: a GP practice, or the organisation that booked an appointment (contained
in the appointment). Shapes as in GP Connect's search-for-free-slots and book examples."""

from dataclasses import dataclass
from typing import Any

from gpconnect import codes
from gpconnect.resources import elements


@dataclass(frozen=True)
class Organization:
    """A GP practice, or the organisation that booked an appointment."""

    ods_code: str
    name: str
    id: str = ""
    phone: str = ""
    type_code: str = ""  # GPConnect-OrganisationType-1, e.g. "gp-practice", "urgent-care"
    address_lines: tuple[str, ...] = ()
    city: str = ""
    postcode: str = ""

    def to_fhir(self, *, version: str = "") -> dict[str, Any]:
        resource: dict[str, Any] = {"resourceType": "Organization"}
        if self.id:
            resource["id"] = self.id
        resource["meta"] = elements.meta(codes.PROFILE_ORGANIZATION, version)
        if self.ods_code:
            resource["identifier"] = [{"system": codes.SYSTEM_ODS_CODE, "value": self.ods_code}]
        if self.type_code:
            resource["type"] = [
                {"coding": [{"system": codes.SYSTEM_ORGANISATION_TYPE, "code": self.type_code}]}
            ]
        resource["name"] = self.name
        if self.phone:
            resource["telecom"] = [{"system": "phone", "value": self.phone, "use": "work"}]
        address = elements.address_fhir(self.address_lines, self.city, self.postcode)
        if address:
            resource["address"] = [address]
        return resource

    @classmethod
    def from_fhir(cls, resource: Any) -> "Organization":
        resource = elements.expect_type(resource, "Organization")
        type_code = ""
        for concept in resource.get("type") or []:
            if not isinstance(concept, dict):
                continue
            for coding in concept.get("coding") or []:
                if isinstance(coding, dict) and coding.get("system") == (
                    codes.SYSTEM_ORGANISATION_TYPE
                ):
                    type_code = str(coding.get("code") or "")
        lines, city, postcode = elements.address(resource)
        return cls(
            ods_code=elements.identifier(resource, codes.SYSTEM_ODS_CODE),
            name=elements.string(resource, "name", required=True),
            id=elements.string(resource, "id"),
            phone=elements.phone(resource),
            type_code=type_code,
            address_lines=lines,
            city=city,
            postcode=postcode,
        )
