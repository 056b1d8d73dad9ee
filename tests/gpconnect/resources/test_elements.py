"""The FHIR elements resources share: references."""

import pytest

from gpconnect.errors import GPConnectError
from gpconnect.resources.elements import reference_id


@pytest.mark.parametrize(
    ("reference", "expected"),
    [("Slot/1", "1"), ("https://host/A1/STU3/1/gpconnect/Slot/7", "7")],
)
def test_reference_id_reads_relative_and_absolute_references(reference, expected):
    assert reference_id({"reference": reference}, "Slot") == expected


def test_reference_to_the_wrong_type_is_invalid():
    with pytest.raises(GPConnectError):
        reference_id({"reference": "Patient/1"}, "Slot")
