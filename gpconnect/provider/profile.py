"""What GPConnect-Appointment-1 lets an appointment carry, element by element.

A provider refuses a booking, amendment or cancellation whose resource holds anything the
profile does not allow, anywhere in it, before it looks at a slot: an invalid booking of a
taken slot is 422 INVALID_RESOURCE, not 409. The shapes follow the profile and the
specification's request examples (`appointments_use_case_book_an_appointment.md`: `reason`
and `specialty` must not be sent; `_includes/appointments/*_request_example.json`), with the
elements of the contained booking Organization (CareConnect-GPC-Organization-1) that a
consumer sends.
"""

from collections.abc import Mapping
from typing import Any

from gpconnect import codes
from gpconnect.errors import GPConnectError, SpineError

# A shape is the set of element names allowed, each mapped to the shape of its value
# (None: a primitive). Lists are checked item by item against the same shape.
Shape = Mapping[str, "Shape | None"]

_CODING: Shape = {"system": None, "code": None, "display": None, "version": None}
_CONCEPT: Shape = {"coding": _CODING, "text": None}
_REFERENCE: Shape = {"reference": None, "display": None}
_IDENTIFIER: Shape = {"system": None, "value": None, "use": None}
_META: Shape = {"profile": None, "versionId": None, "lastUpdated": None}
_PERIOD: Shape = {"start": None, "end": None}
_EXTENSION: Shape = {
    "url": None,
    "valueReference": _REFERENCE,
    "valueString": None,
    "valueCode": None,
    "valueCodeableConcept": _CONCEPT,
}
_TELECOM: Shape = {"system": None, "value": None, "use": None, "period": _PERIOD}
_ADDRESS: Shape = {
    "use": None,
    "type": None,
    "text": None,
    "line": None,
    "city": None,
    "district": None,
    "postalCode": None,
    "country": None,
}
_ORGANIZATION: Shape = {
    "resourceType": None,
    "id": None,
    "meta": _META,
    "identifier": _IDENTIFIER,
    "type": _CONCEPT,
    "name": None,
    "telecom": _TELECOM,
    "address": _ADDRESS,
}
APPOINTMENT: Shape = {
    "resourceType": None,
    "id": None,
    "meta": _META,
    "contained": _ORGANIZATION,
    "extension": _EXTENSION,
    "identifier": _IDENTIFIER,
    "status": None,
    "serviceCategory": _CONCEPT,
    "serviceType": _CONCEPT,
    "appointmentType": _CONCEPT,
    "priority": None,
    "description": None,
    "start": None,
    "end": None,
    "slot": _REFERENCE,
    "created": None,
    "comment": None,
    "participant": {
        "actor": _REFERENCE,
        "status": None,
        "type": _CONCEPT,
        "required": None,
    },
}
APPOINTMENT_EXTENSIONS = frozenset(
    {
        codes.EXT_BOOKING_ORGANISATION,
        codes.EXT_CANCELLATION_REASON,
        codes.EXT_PRACTITIONER_ROLE,
        codes.EXT_DELIVERY_CHANNEL,
    }
)


def check_appointment(resource: Any) -> None:
    """Refuse (422 INVALID_RESOURCE) an Appointment with an element GPConnect-Appointment-1
    does not allow, a contained resource other than an Organization, or an extension it
    does not define. The rules of the interaction come after (`provider.rules`)."""
    if not isinstance(resource, dict) or resource.get("resourceType") != "Appointment":
        raise _invalid("Send an Appointment resource.")
    _check(resource, APPOINTMENT, "Appointment")
    for item in resource.get("contained") or []:
        if isinstance(item, dict) and item.get("resourceType") != "Organization":
            raise _invalid("An appointment contains only its booking Organization.")
    for item in resource.get("extension") or []:
        if isinstance(item, dict) and item.get("url") not in APPOINTMENT_EXTENSIONS:
            raise _invalid(f"The extension {item.get('url')!r} is not one an appointment has.")


def _check(value: Any, shape: Shape, path: str) -> None:
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, shape, f"{path}[{index}]")
        return
    if not isinstance(value, dict):
        raise _invalid(f"{path} must be an object.")
    for name, item in value.items():
        if name not in shape:
            raise _invalid(f"{path}.{name} is not allowed in a GP Connect appointment.")
        inner = shape[name]
        if inner is None:
            if isinstance(item, dict) or (
                isinstance(item, list) and any(isinstance(i, dict | list) for i in item)
            ):
                raise _invalid(f"{path}.{name} must be a simple value.")
        elif item is not None:
            _check(item, inner, f"{path}.{name}")


def _invalid(message: str) -> GPConnectError:
    return GPConnectError(SpineError.INVALID_RESOURCE, message)
