"""Patient, as find-a-patient returns it and register-a-patient takes it
(`foundations_use_case_find_a_patient.md`, `..._register_a_patient.md`): an NHS number,
an official name, and the registration-details extension for a temporary registration."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from gpconnect import codes
from gpconnect.errors import GPConnectError, SpineError
from gpconnect.nhs_number import is_valid_nhs_number
from gpconnect.resources import elements
from gpconnect.times import format_date, parse_date


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
        resource["meta"] = elements.meta(codes.PROFILE_PATIENT, version)
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
        resource = elements.expect_type(resource, "Patient")
        nhs_number = elements.identifier(resource, codes.SYSTEM_NHS_NUMBER)
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
                raise elements.invalid("Patient.birthDate must be a date (YYYY-MM-DD).") from exc
        return cls(
            nhs_number=nhs_number,
            family=str(family or ""),
            given=tuple(str(word) for word in name.get("given") or []),
            birth_date=birth_date,
            gender=str(resource.get("gender") or "unknown"),
            id=elements.string(resource, "id"),
            temporary=elements.extension(resource, codes.EXT_REGISTRATION_DETAILS) is not None,
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
        raise elements.invalid("Register patient takes a Parameters resource.")
    found = [
        item.get("resource")
        for item in parameters.get("parameter") or []
        if isinstance(item, dict) and item.get("name") == "registerPatient"
    ]
    if len(found) != 1:
        raise elements.invalid("Register patient needs exactly one registerPatient parameter.")
    patient = Patient.from_fhir(found[0])
    if patient.birth_date is None:
        raise elements.invalid("Register patient needs the patient's birth date for the PDS trace.")
    return patient
