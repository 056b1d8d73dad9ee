"""Schedule: a session, carrying the practitioner role extension (an SDS job role), its
actors (a Location, and a Practitioner where known) and the session's name as
`serviceCategory.text`."""

from dataclasses import dataclass
from typing import Any

from gpconnect import codes
from gpconnect.resources import elements


@dataclass(frozen=True)
class Schedule:
    """A session: the practitioner role, the location, and the practitioner where known."""

    id: str
    location_id: str
    practitioner_role: str  # SDS job-role code
    practitioner_id: str = ""
    service_category: str = ""  # the session's name, e.g. "GP extended access"
    comment: str = ""

    def to_fhir(self, *, version: str = "") -> dict[str, Any]:
        actors = [{"reference": f"Location/{self.location_id}"}]
        if self.practitioner_id:
            actors.append({"reference": f"Practitioner/{self.practitioner_id}"})
        resource: dict[str, Any] = {
            "resourceType": "Schedule",
            "id": self.id,
            "meta": elements.meta(codes.PROFILE_SCHEDULE, version),
            "extension": [
                {
                    "url": codes.EXT_PRACTITIONER_ROLE,
                    "valueCodeableConcept": elements.role_concept(self.practitioner_role),
                }
            ],
        }
        if self.service_category:
            resource["serviceCategory"] = {"text": self.service_category}
        resource["actor"] = actors
        if self.comment:
            resource["comment"] = self.comment
        return resource

    @classmethod
    def from_fhir(cls, resource: Any) -> "Schedule":
        resource = elements.expect_type(resource, "Schedule")
        location_id = practitioner_id = ""
        for actor in resource.get("actor") or []:
            reference = actor.get("reference") if isinstance(actor, dict) else None
            if isinstance(reference, str) and "Location/" in reference:
                location_id = elements.reference_id(actor, "Location")
            elif isinstance(reference, str) and "Practitioner/" in reference:
                practitioner_id = elements.reference_id(actor, "Practitioner")
        return cls(
            id=elements.string(resource, "id", required=True),
            location_id=location_id,
            practitioner_role=elements.role_code(resource),
            practitioner_id=practitioner_id,
            service_category=elements.text_of(resource.get("serviceCategory")),
            comment=elements.string(resource, "comment"),
        )
