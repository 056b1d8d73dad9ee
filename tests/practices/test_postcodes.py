import pytest
from django.core.exceptions import ValidationError

from practices.postcodes import normalise_postcode


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("ls1 4ap", "LS1 4AP"),
        ("LS14AP", "LS1 4AP"),
        ("sw1a 1aa", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
        ("b33 8th", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("GIR 0AA", "GIR 0AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("DN55 1PT", "DN55 1PT"),
    ],
)
def test_postcodes_are_stored_in_standard_form(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["", "LS1", "LS1 4A", "1LS 4AP", "LS1 4APP", "GIR 1AA", "LS1-4AP"])
def test_incomplete_or_malformed_postcodes_are_refused(raw):
    with pytest.raises(ValidationError):
        normalise_postcode(raw)
