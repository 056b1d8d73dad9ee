import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from practices.ods import normalise_ods_code

practice_codes = st.builds(
    lambda letter, digits: letter + digits,
    st.sampled_from("ABCDEFGHJKLMNPWY"),
    st.text(alphabet="0123456789", min_size=5, max_size=5),
)


@given(practice_codes)
def test_practice_codes_are_accepted_in_any_case_and_spacing(code):
    assert normalise_ods_code(f" {code.lower()} ", gp_practice=True) == code


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=3, max_size=10))
def test_other_organisations_take_three_to_ten_letters_and_digits(code):
    assert normalise_ods_code(code) == code


@given(st.text(min_size=0, max_size=12))
def test_anything_accepted_has_the_shape_of_an_ods_code(raw):
    try:
        code = normalise_ods_code(raw)
    except ValidationError:
        return
    assert (code.isalnum() and code.isupper()) or code.isdigit()
    assert 3 <= len(code) <= 10


@pytest.mark.parametrize("raw", ["A8100", "A810011", "181001", "AB1001", "A81-01", ""])
def test_malformed_practice_codes_are_refused(raw):
    with pytest.raises(ValidationError):
        normalise_ods_code(raw, gp_practice=True)


@pytest.mark.parametrize("raw", ["AB", "ABCDEFGHIJK", "RX-1", "RX_1"])
def test_malformed_organisation_codes_are_refused(raw):
    with pytest.raises(ValidationError):
        normalise_ods_code(raw)
