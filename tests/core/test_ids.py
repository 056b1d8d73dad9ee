"""Public identifiers read from links: a mangled one is no identifier, not an error."""

import uuid

import pytest

from core.ids import validate_uuid


def test_a_public_id_is_read_in_any_of_its_spellings():
    public_id = uuid.uuid4()

    for spelling in (str(public_id), str(public_id).upper(), public_id.hex):
        assert validate_uuid(spelling) == public_id


@pytest.mark.parametrize("value", ["", "1:2:3", "8b1e3c1e-1a55-4e0e-9d9e", None])
def test_anything_else_is_no_public_id(value):
    assert validate_uuid(value) is None
