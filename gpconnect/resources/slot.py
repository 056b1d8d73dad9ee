"""Slot: names its Schedule, carries the delivery channel extension and its slot type as
`serviceType[0].text`."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gpconnect import codes
from gpconnect.resources import elements
from gpconnect.times import format_instant


@dataclass(frozen=True)
class Slot:
    id: str
    schedule_id: str
    start: datetime
    end: datetime
    status: str = "free"  # "free" or "busy"
    delivery_channel: str = ""
    service_type: str = ""  # the slot type, e.g. "Extended access appointment"

    def to_fhir(self, *, version: str = "") -> dict[str, Any]:
        resource: dict[str, Any] = {
            "resourceType": "Slot",
            "id": self.id,
            "meta": elements.meta(codes.PROFILE_SLOT, version),
        }
        if self.delivery_channel:
            resource["extension"] = [
                {"url": codes.EXT_DELIVERY_CHANNEL, "valueCode": self.delivery_channel}
            ]
        if self.service_type:
            resource["serviceType"] = [{"text": self.service_type}]
        resource["schedule"] = {"reference": f"Schedule/{self.schedule_id}"}
        resource["status"] = self.status
        resource["start"] = format_instant(self.start)
        resource["end"] = format_instant(self.end)
        return resource

    @classmethod
    def from_fhir(cls, resource: Any) -> "Slot":
        resource = elements.expect_type(resource, "Slot")
        return cls(
            id=elements.string(resource, "id", required=True),
            schedule_id=elements.reference_id(resource.get("schedule"), "Schedule"),
            start=elements.instant(resource, "start"),
            end=elements.instant(resource, "end"),
            status=elements.string(resource, "status", required=True),
            delivery_channel=elements.delivery_channel(resource),
            service_type=elements.text_of(resource.get("serviceType")),
        )
