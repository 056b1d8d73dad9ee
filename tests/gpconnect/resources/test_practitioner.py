"""Practitioners to and from FHIR JSON."""

from gpconnect.resources.practitioner import Practitioner


def test_practitioner_round_trips_and_has_a_display_name():
    practitioner = Practitioner(
        id="P1", family="Hughes", given=("Tom",), gender="male", sds_user_id="G1"
    )

    assert Practitioner.from_fhir(practitioner.to_fhir()) == practitioner
    assert practitioner.display_name == "Tom Hughes"
