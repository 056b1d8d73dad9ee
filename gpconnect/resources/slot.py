"""Slot: names its Schedule, carries the delivery channel extension and its slot type as
`serviceType[0].text`."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from gpconnect import codes
from gpconnect.resources import elements
from gpconnect.times import format_instant


@lru_cache(maxsize=8)
def _meta(version: str) -> dict[str, Any]:
    return elements.meta(codes.PROFILE_SLOT, version)


@lru_cache(maxsize=64)
def _channel(channel: str) -> list[dict[str, Any]]:
    return [{"url": codes.EXT_DELIVERY_CHANNEL, "valueCode": channel}]


@lru_cache(maxsize=256)
def _service_type(text: str) -> list[dict[str, Any]]:
    return [{"text": text}]


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
        # A search answers with thousands of slots: the parts they share are made once
        # (the resources are written out as JSON, never changed).
        resource: dict[str, Any] = {
            "resourceType": "Slot",
            "id": self.id,
            "meta": _meta(version),
        }
        if self.delivery_channel:
            resource["extension"] = _channel(self.delivery_channel)
        if self.service_type:
            resource["serviceType"] = _service_type(self.service_type)
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
