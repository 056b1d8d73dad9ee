"""Locations to and from FHIR JSON."""

from gpconnect.resources.location import Location


def test_location_round_trips():
    location = Location(
        id="L1",
        name="Riverside Medical Centre",
        managing_organization_id="A10001",
        address_lines=("1 River Street",),
        city="Leeds",
        postcode="LS1 1AA",
        phone="0113 000 0000",
    )

    assert Location.from_fhir(location.to_fhir()) == location
