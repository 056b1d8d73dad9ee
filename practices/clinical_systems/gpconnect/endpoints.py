"""Where each practice's GP Connect API is, and who Hub Diary is to it."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gpconnect import codes
from gpconnect.jwt import RequestingDevice
from gpconnect.rest import service_root
from practices.clinical_systems.base import Rejected


@dataclass(frozen=True)
class PracticeEndpoint:
    """Where one practice's GP Connect API is: its FHIR service root and Spine ASID."""

    base_url: str
    asid: str = ""


@dataclass(frozen=True)
class ConsumerSystem:
    """Hub Diary as a GP Connect consumer: the JWT's `iss` and `requesting_device`, and the
    Ssp-From ASID."""

    url: str = "https://hub-diary.nhs.uk"
    asid: str = ""
    device_id: str = "hub-diary"
    model: str = "Hub Diary"
    version: str = "1"

    def device(self) -> RequestingDevice:
        return RequestingDevice(
            id=self.device_id,
            identifier_system=codes.SYSTEM_HUB_DIARY_DEVICE,
            identifier_value=self.device_id,
            model=self.model,
            version=self.version,
            url=self.url,
        )


EndpointValue = str | PracticeEndpoint
Endpoints = Mapping[str, EndpointValue] | Callable[[str], EndpointValue]


def endpoint_for(endpoints: Endpoints, ods: str) -> PracticeEndpoint:
    """The practice's endpoint with its full FHIR service root: a URL without `/STU3/` is a
    host serving many practices, to which the practice's own path is added."""
    try:
        value = endpoints(ods) if callable(endpoints) else endpoints[ods]
    except KeyError as exc:
        raise Rejected(f"No GP Connect endpoint is set for practice {ods}.") from exc
    endpoint = value if isinstance(value, PracticeEndpoint) else PracticeEndpoint(value)
    root = endpoint.base_url.rstrip("/")
    if "/STU3/" not in root + "/":
        root = service_root(root, ods)
    return PracticeEndpoint(base_url=root, asid=endpoint.asid)
