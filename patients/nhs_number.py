"""NHS numbers: ten digits, the last a Modulus 11 check digit over the first nine."""

import re

from django.core.exceptions import ValidationError

_SEPARATORS = re.compile(r"[\s-]")


def check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or None where no valid one exists."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    remainder = 11 - (total % 11)
    if remainder == 11:
        return 0
    if remainder == 10:
        return None
    return remainder


def normalise_nhs_number(raw: str) -> str:
    """Strip the spaces and dashes people type; raise ValidationError unless it is valid."""
    digits = _SEPARATORS.sub("", raw or "")
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(
            "Enter an NHS number with 10 digits, like 999 123 4567.", code="format"
        )
    if check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            "This is not a valid NHS number. Check it against the patient's record.",
            code="check_digit",
        )
    return digits


def is_valid_nhs_number(raw: str) -> bool:
    try:
        normalise_nhs_number(raw)
    except ValidationError:
        return False
    return True


def format_nhs_number(digits: str) -> str:
    """Show an NHS number the way people read it: 999 123 4567."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else digits


def validate_nhs_number(value: str) -> None:
    normalise_nhs_number(value)
