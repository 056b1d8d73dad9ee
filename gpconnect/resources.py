"""GP Connect Appointment Management resources as plain data, to and from FHIR STU3 JSON.

Shapes follow the example payloads in nhsconnect/gpconnect
(`appointments_use_case_book_an_appointment.md`, `..._search_for_free_slots.md`,
`..._cancel_an_appointment.md`, `..._amend_an_appointment.md`,
`foundations_use_case_find_a_patient.md`, `foundations_use_case_register_a_patient.md`):

- a Slot names its Schedule, carries the delivery channel extension and its slot type as
  `serviceType[0].text`; a Schedule carries the practitioner role extension (an SDS job
  role), its actors (a Location, and a Practitioner where known) and the session name as
  `serviceCategory.text`;
- an Appointment references its Slots, has Patient and Location participants (and a
  Practitioner where known), a `created` time, a `description` (at most 100 characters) and
  `comment` (at most 500), the booking organisation as a contained Organization referenced
  by the BookingOrganisation extension, and, once cancelled, the cancellation-reason
  extension. It never carries `reason`.

`from_fhir` parsers raise `GPConnectError(INVALID_RESOURCE)` for anything that breaks the
profile, which is exactly what a provider answers with.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from gpconnect import codes
from gpconnect.errors import GPConnectError, SpineError
from gpconnect.nhs_number import is_valid_nhs_number
from gpconnect.times import format_date, format_instant, parse_date, parse_instant

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


def _invalid(message: str) -> GPConnectError:
    return GPConnectError(SpineError.INVALID_RESOURCE, message)


def _expect_type(resource: Any, resource_type: str) -> Mapping[str, Any]:
    if not isinstance(resource, dict) or resource.get("resourceType") != resource_type:
        raise _invalid(f"Expected a {resource_type} resource.")
    return resource


def _string(resource: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    value = resource.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _invalid(f"{resource.get('resourceType', 'Resource')}.{name} must be a string.")
    if required and not value.strip():
        raise _invalid(f"{resource.get('resourceType', 'Resource')}.{name} is required.")
    return value


def _instant(resource: Mapping[str, Any], name: str) -> datetime:
    try:
        return parse_instant(resource.get(name))  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise _invalid(
            f"{resource.get('resourceType', 'Resource')}.{name} must be a dateTime with an offset."
        ) from exc


def _meta(profile: str, version: str = "") -> dict[str, Any]:
    meta: dict[str, Any] = {"profile": [profile]}
    if version:
        meta["versionId"] = version
    return meta


def version_of(resource: Mapping[str, Any]) -> str:
    meta = resource.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("versionId"), str):
        return meta["versionId"]
    return ""


def reference_id(reference: Any, resource_type: str) -> str:
    """The logical id in a reference such as "Slot/1584" (relative or absolute)."""
    text = reference.get("reference") if isinstance(reference, dict) else reference
    if not isinstance(text, str):
        raise _invalid(f"Expected a reference to a {resource_type}.")
    parts = text.rstrip("/").split("/")
    if len(parts) < 2 or parts[-2] != resource_type or not parts[-1]:
        raise _invalid(f"Expected a reference to a {resource_type}, not {text!r}.")
    return parts[-1]


def extension(resource: Mapping[str, Any], url: str) -> Mapping[str, Any] | None:
    for item in resource.get("extension") or []:
        if isinstance(item, dict) and item.get("url") == url:
            return item
    return None


def _identifier(resource: Mapping[str, Any], system: str) -> str:
    for item in resource.get("identifier") or []:
        if isinstance(item, dict) and item.get("system") == system:
            value = item.get("value")
            return value if isinstance(value, str) else ""
    return ""


def _phone(resource: Mapping[str, Any]) -> str:
    telecom = resource.get("telecom") or []
    # The spec's own search example writes telecom as an object; STU3 says a list.
    for item in [telecom] if isinstance(telecom, dict) else telecom:
        if isinstance(item, dict) and item.get("system") == "phone":
            value = item.get("value")
            return value if isinstance(value, str) else ""
    return ""


def _address(resource: Mapping[str, Any]) -> tuple[tuple[str, ...], str, str]:
    address = resource.get("address") or {}
    if isinstance(address, list):
        address = address[0] if address else {}
    if not isinstance(address, dict):
        return (), "", ""
    lines = tuple(str(line) for line in address.get("line") or [] if line)
    return lines, str(address.get("city") or ""), str(address.get("postalCode") or "")


def _address_fhir(lines: tuple[str, ...], city: str, postcode: str) -> dict[str, Any]:
    address: dict[str, Any] = {}
    if lines:
        address["line"] = list(lines)
    if city:
        address["city"] = city
    if postcode:
        address["postalCode"] = postcode
    return address


def _role_concept(code: str) -> dict[str, Any]:
    coding = {"system": codes.SYSTEM_SDS_JOB_ROLE, "code": code}
    if code in codes.SDS_JOB_ROLES:
        coding["display"] = codes.SDS_JOB_ROLES[code]
    return {"coding": [coding]}


def _role_code(resource: Mapping[str, Any]) -> str:
    role = extension(resource, codes.EXT_PRACTITIONER_ROLE)
    concept = role.get("valueCodeableConcept") if role else None
    for coding in (concept or {}).get("coding") or []:
        if isinstance(coding, dict) and isinstance(coding.get("code"), str):
            return coding["code"]
    return ""


def _delivery_channel(resource: Mapping[str, Any]) -> str:
    channel = extension(resource, codes.EXT_DELIVERY_CHANNEL)
    value = channel.get("valueCode") if channel else ""
    return value if isinstance(value, str) else ""


def _text_of(concept: Any) -> str:
    if isinstance(concept, list):
        concept = concept[0] if concept else None
    if isinstance(concept, dict) and isinstance(concept.get("text"), str):
        return concept["text"]
    return ""


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
        resource["meta"] = _meta(codes.PROFILE_ORGANIZATION, version)
        if self.ods_code:
            resource["identifier"] = [{"system": codes.SYSTEM_ODS_CODE, "value": self.ods_code}]
        if self.type_code:
            resource["type"] = [
                {"coding": [{"system": codes.SYSTEM_ORGANISATION_TYPE, "code": self.type_code}]}
            ]
        resource["name"] = self.name
        if self.phone:
            resource["telecom"] = [{"system": "phone", "value": self.phone, "use": "work"}]
        address = _address_fhir(self.address_lines, self.city, self.postcode)
        if address:
            resource["address"] = [address]
        return resource

    @classmethod
    def from_fhir(cls, resource: Any) -> "Organization":
        resource = _expect_type(resource, "Organization")
        type_code = ""
        for concept in resource.get("type") or []:
            if not isinstance(concept, dict):
                continue
            for coding in concept.get("coding") or []:
                if isinstance(coding, dict) and coding.get("system") == (
                    codes.SYSTEM_ORGANISATION_TYPE
                ):
                    type_code = str(coding.get("code") or "")
        lines, city, postcode = _address(resource)
        return cls(
            ods_code=_identifier(resource, codes.SYSTEM_ODS_CODE),
            name=_string(resource, "name", required=True),
            id=_string(resource, "id"),
            phone=_phone(resource),
            type_code=type_code,
            address_lines=lines,
            city=city,
            postcode=postcode,
        )


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
            "meta": _meta(codes.PROFILE_LOCATION, version),
            "name": self.name,
        }
        address = _address_fhir(self.address_lines, self.city, self.postcode)
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
        resource = _expect_type(resource, "Location")
        lines, city, postcode = _address(resource)
        managing = resource.get("managingOrganization")
        return cls(
            id=_string(resource, "id", required=True),
            name=_string(resource, "name"),
            managing_organization_id=(
                reference_id(managing, "Organization") if managing is not None else ""
            ),
            address_lines=lines,
            city=city,
            postcode=postcode,
            phone=_phone(resource),
        )


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
            "meta": _meta(codes.PROFILE_PRACTITIONER, version),
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
        resource = _expect_type(resource, "Practitioner")
        names = resource.get("name")
        name = names[0] if isinstance(names, list) and names else names
        name = name if isinstance(name, dict) else {}
        family = name.get("family", "")
        if isinstance(family, list):  # DSTU2-style, as in some published examples
            family = " ".join(str(part) for part in family)
        return cls(
            id=_string(resource, "id", required=True),
            family=str(family or ""),
            given=tuple(str(word) for word in name.get("given") or []),
            prefix=tuple(str(word) for word in name.get("prefix") or []),
            gender=str(resource.get("gender") or "unknown"),
            sds_user_id=_identifier(resource, codes.SYSTEM_SDS_USER_ID),
        )


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
            "meta": _meta(codes.PROFILE_SCHEDULE, version),
            "extension": [
                {
                    "url": codes.EXT_PRACTITIONER_ROLE,
                    "valueCodeableConcept": _role_concept(self.practitioner_role),
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
        resource = _expect_type(resource, "Schedule")
        location_id = practitioner_id = ""
        for actor in resource.get("actor") or []:
            reference = actor.get("reference") if isinstance(actor, dict) else None
            if isinstance(reference, str) and "Location/" in reference:
                location_id = reference_id(actor, "Location")
            elif isinstance(reference, str) and "Practitioner/" in reference:
                practitioner_id = reference_id(actor, "Practitioner")
        return cls(
            id=_string(resource, "id", required=True),
            location_id=location_id,
            practitioner_role=_role_code(resource),
            practitioner_id=practitioner_id,
            service_category=_text_of(resource.get("serviceCategory")),
            comment=_string(resource, "comment"),
        )


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
            "meta": _meta(codes.PROFILE_SLOT, version),
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
        resource = _expect_type(resource, "Slot")
        return cls(
            id=_string(resource, "id", required=True),
            schedule_id=reference_id(resource.get("schedule"), "Schedule"),
            start=_instant(resource, "start"),
            end=_instant(resource, "end"),
            status=_string(resource, "status", required=True),
            delivery_channel=_delivery_channel(resource),
            service_type=_text_of(resource.get("serviceType")),
        )


@dataclass(frozen=True)
class Patient:
    nhs_number: str
    family: str
    given: tuple[str, ...] = ()
    birth_date: date | None = None
    gender: str = "unknown"
    id: str = ""
    temporary: bool = False  # registered through $gpc.registerpatient

    def to_fhir(self, *, version: str = "") -> dict[str, Any]:
        resource: dict[str, Any] = {"resourceType": "Patient"}
        if self.id:
            resource["id"] = self.id
        resource["meta"] = _meta(codes.PROFILE_PATIENT, version)
        if self.temporary:
            resource["extension"] = [
                {
                    "url": codes.EXT_REGISTRATION_DETAILS,
                    "extension": [
                        {
                            "url": "registrationType",
                            "valueCodeableConcept": {
                                "coding": [{"system": codes.SYSTEM_REGISTRATION_TYPE, "code": "T"}]
                            },
                        }
                    ],
                }
            ]
        resource["identifier"] = [{"system": codes.SYSTEM_NHS_NUMBER, "value": self.nhs_number}]
        if self.id:
            resource["active"] = True
        name: dict[str, Any] = {"use": "official", "family": self.family}
        if self.given:
            name["given"] = list(self.given)
        resource["name"] = [name]
        resource["gender"] = self.gender
        if self.birth_date:
            resource["birthDate"] = format_date(self.birth_date)
        return resource

    @classmethod
    def from_fhir(cls, resource: Any) -> "Patient":
        resource = _expect_type(resource, "Patient")
        nhs_number = _identifier(resource, codes.SYSTEM_NHS_NUMBER)
        if not is_valid_nhs_number(nhs_number):
            raise GPConnectError(
                SpineError.INVALID_NHS_NUMBER, "The Patient needs a valid NHS number."
            )
        names = resource.get("name")
        name = names[0] if isinstance(names, list) and names else names
        name = name if isinstance(name, dict) else {}
        family = name.get("family", "")
        if isinstance(family, list):
            family = " ".join(str(part) for part in family)
        birth_date = None
        if resource.get("birthDate"):
            try:
                birth_date = parse_date(resource["birthDate"])
            except ValueError as exc:
                raise _invalid("Patient.birthDate must be a date (YYYY-MM-DD).") from exc
        return cls(
            nhs_number=nhs_number,
            family=str(family or ""),
            given=tuple(str(word) for word in name.get("given") or []),
            birth_date=birth_date,
            gender=str(resource.get("gender") or "unknown"),
            id=_string(resource, "id"),
            temporary=extension(resource, codes.EXT_REGISTRATION_DETAILS) is not None,
        )


def registration_parameters(patient: Patient) -> dict[str, Any]:
    """The Parameters for `POST /Patient/$gpc.registerpatient`."""
    return {
        "resourceType": "Parameters",
        "parameter": [{"name": "registerPatient", "resource": patient.to_fhir()}],
    }


def parse_registration(parameters: Any) -> Patient:
    """The patient to register from `$gpc.registerpatient` Parameters."""
    if not isinstance(parameters, dict) or parameters.get("resourceType") != "Parameters":
        raise _invalid("Register patient takes a Parameters resource.")
    found = [
        item.get("resource")
        for item in parameters.get("parameter") or []
        if isinstance(item, dict) and item.get("name") == "registerPatient"
    ]
    if len(found) != 1:
        raise _invalid("Register patient needs exactly one registerPatient parameter.")
    patient = Patient.from_fhir(found[0])
    if patient.birth_date is None:
        raise _invalid("Register patient needs the patient's birth date for the PDS trace.")
    return patient


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
        resource["meta"] = _meta(codes.PROFILE_APPOINTMENT, self.version)
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
                    "valueCodeableConcept": _role_concept(self.practitioner_role),
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
        resource = _expect_type(resource, "Appointment")
        status = _string(resource, "status", required=True)
        if status not in APPOINTMENT_STATUSES:
            raise _invalid(f"Appointment.status {status!r} is not an appointment status.")
        slots = resource.get("slot")
        if not isinstance(slots, list) or not slots:
            raise _invalid("The appointment must reference at least one slot.")
        slot_ids = tuple(reference_id(slot, "Slot") for slot in slots)

        actors: dict[str, str] = {}
        for participant in resource.get("participant") or []:
            actor = participant.get("actor") if isinstance(participant, dict) else None
            reference = actor.get("reference") if isinstance(actor, dict) else None
            if not isinstance(reference, str):
                raise _invalid("Every appointment participant needs an actor reference.")
            kind = reference.rstrip("/").split("/")[-2] if "/" in reference else ""
            if kind in {"Patient", "Location", "Practitioner"}:
                actors.setdefault(kind, reference_id(actor, kind))
        if "Patient" not in actors:
            raise _invalid("The appointment needs a patient participant.")
        if "Location" not in actors:
            raise _invalid("The appointment needs a location participant.")

        booking_organization = None
        booking = extension(resource, codes.EXT_BOOKING_ORGANISATION)
        if booking is not None:
            reference = (booking.get("valueReference") or {}).get("reference", "")
            contained = [
                item
                for item in resource.get("contained") or []
                if isinstance(item, dict) and f"#{item.get('id')}" == reference
            ]
            if not contained:
                raise _invalid(
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
                raise _invalid("Every appointment identifier needs a system and a value.")
            identifiers.append((item["system"], item["value"]))

        cancellation = extension(resource, codes.EXT_CANCELLATION_REASON)
        cancellation_reason = cancellation.get("valueString", "") if cancellation else ""
        created = _instant(resource, "created") if resource.get("created") else None
        return cls(
            status=status,
            start=_instant(resource, "start"),
            end=_instant(resource, "end"),
            slot_ids=slot_ids,
            patient_id=actors["Patient"],
            location_id=actors["Location"],
            created=created,
            booking_organization=booking_organization,
            description=_string(resource, "description"),
            comment=_string(resource, "comment"),
            practitioner_id=actors.get("Practitioner", ""),
            identifiers=tuple(identifiers),
            cancellation_reason=str(cancellation_reason or ""),
            practitioner_role=_role_code(resource),
            delivery_channel=_delivery_channel(resource),
            service_category=_text_of(resource.get("serviceCategory")),
            service_type=_text_of(resource.get("serviceType")),
            id=_string(resource, "id"),
            version=version_of(resource),
        )


def searchset(resources: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """A searchset Bundle (GPConnect-Searchset-Bundle-1) with a fullUrl for every entry."""
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
        raise _invalid("Expected a Bundle.")
    found = []
    for entry in bundle.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == resource_type:
            found.append(resource)
    return found
