"""UK postcodes: validated and stored in their standard form (LS1 4AP)."""

import re

from django.core.exceptions import ValidationError

# Outward code (area, district, optional sub-district) and inward code (sector, unit).
_POSTCODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?|GIR)(\d[A-Z]{2})")


def normalise_postcode(raw: str) -> str:
    compact = re.sub(r"\s", "", raw or "").upper()
    match = _POSTCODE.fullmatch(compact)
    if not match or (match.group(1) == "GIR" and match.group(2) != "0AA"):
        raise ValidationError("Enter a full UK postcode, like LS1 4AP.", code="format")
    return f"{match.group(1)} {match.group(2)}"


def validate_postcode(value: str) -> None:
    normalise_postcode(value)
