"""Organizations to and from FHIR JSON."""

from gpconnect import codes
from gpconnect.resources.organization import Organization


def test_organization_round_trips_with_its_type_and_address():
    organization = Organization(
        ods_code="A10001",
        name="Riverside Medical Centre",
        id="A10001",
        phone="0113 000 0000",
        type_code="gp-practice",
        address_lines=("1 River Street",),
        city="Leeds",
        postcode="LS1 1AA",
    )

    resource = organization.to_fhir(version="1")

    assert Organization.from_fhir(resource) == organization
    assert resource["identifier"] == [{"system": codes.SYSTEM_ODS_CODE, "value": "A10001"}]
    assert resource["meta"] == {"profile": [codes.PROFILE_ORGANIZATION], "versionId": "1"}
