"""Organisation Data Service (ODS) codes: validated per kind of organisation."""

import re

from django.core.exceptions import ValidationError

# A GP practice code is one letter and five digits (A81001); Welsh practices start with W.
GP_PRACTICE_CODE = re.compile(r"[A-Z]\d{5}")
# Other organisations (trusts, sites, PCNs, care homes, federations): 3 to 10 characters,
# letters and digits, starting with a letter or digit.
ANY_ODS_CODE = re.compile(r"[A-Z0-9]{3,10}")


def normalise_ods_code(raw: str, *, gp_practice: bool = False) -> str:
    """Upper-case and strip a typed ODS code; raise ValidationError unless its shape is right."""
    code = re.sub(r"\s", "", raw or "").upper()
    if gp_practice:
        if not GP_PRACTICE_CODE.fullmatch(code):
            raise ValidationError(
                "Enter a GP practice ODS code: one letter and five digits, like A81001.",
                code="format",
            )
    elif not ANY_ODS_CODE.fullmatch(code):
        raise ValidationError(
            "Enter an ODS code of 3 to 10 letters and numbers, like RXX or U12345.",
            code="format",
        )
    return code


def validate_ods_code(value: str) -> None:
    normalise_ods_code(value)
