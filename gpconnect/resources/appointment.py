"""Appointment, as booked, read, retrieved, amended and cancelled
(`appointments_use_case_book_an_appointment.md`, `..._cancel_an_appointment.md`,
`..._amend_an_appointment.md`).

An Appointment references its Slots, has Patient and Location participants (and a
Practitioner where known), a `created` time, a `description` (at most 100 characters) and
`comment` (at most 500), the booking organisation as a contained Organization referenced by
the BookingOrganisation extension, and, once cancelled, the cancellation-reason extension.
It never carries `reason`.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from gpconnect import codes
from gpconnect.resources import elements
from gpconnect.resources.organization import Organization
from gpconnect.times import format_instant

DESCRIPTION_MAX = 100
COMMENT_MAX = 500
APPOINTMENT_STATUSES = frozenset(
    {
        "proposed",
        "pending",
        "booked",
        "arrived",
        "fulfilled",
        "cancelled",
        "noshow",
        "entered-in-error",
    }
)
_CONTAINED_ORGANISATION_ID = "1"


@dataclass(frozen=True)
class Appointment:
    status: str
    start: datetime
    end: datetime
    slot_ids: tuple[str, ...]
    patient_id: str
    location_id: str
    created: datetime | None = None
    booking_organization: Organization | None = None
    description: str = ""
    comment: str = ""
    practitioner_id: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()  # (system, value)
    cancellation_reason: str = ""
    practitioner_role: str = ""  # SDS job-role code, as providers return it
    delivery_channel: str = ""
    service_category: str = ""
    service_type: str = ""
    priority: int | None = None  # unsignedInt; 0 means undefined
    id: str = ""
    version: str = ""

    def identifier(self, system: str) -> str:
        for candidate_system, value in self.identifiers:
            if candidate_system == system:
                return value
        return ""

    def changed(self, **changes: Any) -> "Appointment":
        return replace(self, **changes)

    def to_fhir(self) -> dict[str, Any]:
        resource: dict[str, Any] = {"resourceType": "Appointment"}
        if self.id:
            resource["id"] = self.id
        resource["meta"] = elements.meta(codes.PROFILE_APPOINTMENT, self.version)
        extensions: list[dict[str, Any]] = []
        if self.booking_organization is not None:
            organization = replace(self.booking_organization, id=_CONTAINED_ORGANISATION_ID)
            resource["contained"] = [organization.to_fhir()]
            extensions.append(
                {
                    "url": codes.EXT_BOOKING_ORGANISATION,
                    "valueReference": {"reference": f"#{_CONTAINED_ORGANISATION_ID}"},
                }
            )
        if self.cancellation_reason:
            extensions.append(
                {"url": codes.EXT_CANCELLATION_REASON, "valueString": self.cancellation_reason}
            )
        if self.practitioner_role:
            extensions.append(
                {
                    "url": codes.EXT_PRACTITIONER_ROLE,
                    "valueCodeableConcept": elements.role_concept(self.practitioner_role),
                }
            )
        if self.delivery_channel:
            extensions.append(
                {"url": codes.EXT_DELIVERY_CHANNEL, "valueCode": self.delivery_channel}
            )
        if extensions:
            resource["extension"] = extensions
        if self.identifiers:
            resource["identifier"] = [
                {"system": system, "value": value} for system, value in self.identifiers
            ]
        resource["status"] = self.status
        if self.service_category:
            resource["serviceCategory"] = {"text": self.service_category}
        if self.service_type:
            resource["serviceType"] = [{"text": self.service_type}]
        if self.priority is not None:
            resource["priority"] = self.priority
        if self.description:
            resource["description"] = self.description
        resource["start"] = format_instant(self.start)
        resource["end"] = format_instant(self.end)
        resource["slot"] = [{"reference": f"Slot/{slot_id}"} for slot_id in self.slot_ids]
        if self.created is not None:
            resource["created"] = format_instant(self.created)
        if self.comment:
            resource["comment"] = self.comment
        participants = [("Patient", self.patient_id), ("Location", self.location_id)]
        if self.practitioner_id:
            participants.append(("Practitioner", self.practitioner_id))
        resource["participant"] = [
            {"actor": {"reference": f"{kind}/{actor_id}"}, "status": "accepted"}
            for kind, actor_id in participants
        ]
        return resource

    @classmethod
    def from_fhir(cls, resource: Any) -> "Appointment":
        resource = elements.expect_type(resource, "Appointment")
        status = elements.string(resource, "status", required=True)
        if status not in APPOINTMENT_STATUSES:
            raise elements.invalid(f"Appointment.status {status!r} is not an appointment status.")
        slots = resource.get("slot")
        if not isinstance(slots, list) or not slots:
            raise elements.invalid("The appointment must reference at least one slot.")
        slot_ids = tuple(elements.reference_id(slot, "Slot") for slot in slots)

        actors: dict[str, str] = {}
        for participant in resource.get("participant") or []:
            actor = participant.get("actor") if isinstance(participant, dict) else None
            reference = actor.get("reference") if isinstance(actor, dict) else None
            if not isinstance(reference, str):
                raise elements.invalid("Every appointment participant needs an actor reference.")
            kind = reference.rstrip("/").split("/")[-2] if "/" in reference else ""
            if kind in {"Patient", "Location", "Practitioner"}:
                actors.setdefault(kind, elements.reference_id(actor, kind))
        if "Patient" not in actors:
            raise elements.invalid("The appointment needs a patient participant.")
        if "Location" not in actors:
            raise elements.invalid("The appointment needs a location participant.")

        booking_organization = None
        booking = elements.extension(resource, codes.EXT_BOOKING_ORGANISATION)
        if booking is not None:
            reference = (booking.get("valueReference") or {}).get("reference", "")
            contained = [
                item
                for item in resource.get("contained") or []
                if isinstance(item, dict) and f"#{item.get('id')}" == reference
            ]
            if not contained:
                raise elements.invalid(
                    "The booking organisation extension must reference a contained Organization."
                )
            booking_organization = Organization.from_fhir(contained[0])

        identifiers = []
        for item in resource.get("identifier") or []:
            if (
                not isinstance(item, dict)
                or not isinstance(item.get("system"), str)
                or not isinstance(item.get("value"), str)
                or not item["system"]
                or not item["value"]
            ):
                raise elements.invalid("Every appointment identifier needs a system and a value.")
            identifiers.append((item["system"], item["value"]))

        cancellation = elements.extension(resource, codes.EXT_CANCELLATION_REASON)
        cancellation_reason = cancellation.get("valueString", "") if cancellation else ""
        created = elements.instant(resource, "created") if resource.get("created") else None
        priority = resource.get("priority")
        if priority is not None and (
            not isinstance(priority, int) or isinstance(priority, bool) or priority < 0
        ):
            raise elements.invalid("Appointment.priority must be a whole number, 0 or more.")
        return cls(
            status=status,
            start=elements.instant(resource, "start"),
            end=elements.instant(resource, "end"),
            slot_ids=slot_ids,
            patient_id=actors["Patient"],
            location_id=actors["Location"],
            created=created,
            booking_organization=booking_organization,
            description=elements.string(resource, "description"),
            comment=elements.string(resource, "comment"),
            practitioner_id=actors.get("Practitioner", ""),
            identifiers=tuple(identifiers),
            cancellation_reason=str(cancellation_reason or ""),
            practitioner_role=elements.role_code(resource),
            delivery_channel=elements.delivery_channel(resource),
            service_category=elements.text_of(resource.get("serviceCategory")),
            service_type=elements.text_of(resource.get("serviceType")),
            priority=priority,
            id=elements.string(resource, "id"),
            version=elements.version_of(resource),
        )
