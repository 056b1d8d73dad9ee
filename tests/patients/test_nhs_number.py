import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from patients.nhs_number import (
    check_digit,
    format_nhs_number,
    is_valid_nhs_number,
    normalise_nhs_number,
)

first_nines = st.text(alphabet="0123456789", min_size=9, max_size=9)
valid_numbers = first_nines.filter(lambda nine: check_digit(nine) is not None).map(
    lambda nine: nine + str(check_digit(nine))
)


def test_known_valid_number_is_accepted():
    # The example NHS Digital uses in its own documentation.
    assert normalise_nhs_number("943 476 5919") == "9434765919"


@given(valid_numbers)
def test_valid_numbers_survive_spaces_and_dashes(number):
    spaced = format_nhs_number(number)
    dashed = spaced.replace(" ", "-")
    assert normalise_nhs_number(spaced) == number
    assert normalise_nhs_number(dashed) == number
    assert normalise_nhs_number(f"  {number} ") == number


@given(valid_numbers, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_any_single_digit_mistake_is_caught(number, position, shift):
    """Modulus 11 detects every single-digit transcription error."""
    wrong_digit = (int(number[position]) + shift) % 10
    mistyped = number[:position] + str(wrong_digit) + number[position + 1 :]
    assert not is_valid_nhs_number(mistyped)


@given(first_nines)
def test_a_check_digit_of_ten_means_no_valid_number(nine):
    if check_digit(nine) is None:
        assert not any(is_valid_nhs_number(nine + str(d)) for d in range(10))


@pytest.mark.parametrize(
    "raw,code",
    [
        ("", "format"),
        ("12345", "format"),
        ("94347659190", "format"),
        ("943476591X", "format"),
        ("9434765918", "check_digit"),
    ],
)
def test_malformed_numbers_are_refused_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as error:
        normalise_nhs_number(raw)
    assert error.value.code == code


def test_numbers_are_shown_in_three_groups():
    assert format_nhs_number("9434765919") == "943 476 5919"
