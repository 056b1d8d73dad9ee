"""Request fields that accept exactly what the schema says: JSON strings as strings, numbers
as numbers, true and false as booleans (DRF's own would take 3 for "3", "3" for 3 and "yes"
for true), and text that is neither blank nor holds a NUL. `api.base.ApiSchema` writes the
patterns these enforce into the schema, so a client, or the fuzz tests, can rely on them.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from patients.nhs_number import normalise_nhs_number

# Characters str.strip() removes, which a blank-refusing field therefore refuses alone.
_SPACE = r"\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"
# Ten digits, typed with spaces or dashes between them if need be; the last is a Modulus 11
# check digit (the schema names the format `nhs-number`; a wrong check digit is a 400).
NHS_NUMBER_PATTERN = r"^[\s-]*([0-9][\s-]*){10}$"


class Text(serializers.CharField):
    """A JSON string: a number or a boolean is refused, not turned into text. Its length is
    counted as sent, before the spaces around it are trimmed, as the schema counts it."""

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class Count(serializers.IntegerField):
    """A JSON integer: "3", 3.0 and true are refused."""

    def to_internal_value(self, data) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class Flag(serializers.BooleanField):
    """A JSON boolean: only true or false."""

    def to_internal_value(self, data) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class NhsNumber(Text):
    """An NHS number, normalised to its ten digits."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> str:
        value = super().to_internal_value(data)
        try:
            return normalise_nhs_number(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
