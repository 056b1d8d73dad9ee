"""Addresses a message can go to: an email address, or a UK mobile number written the one way
Notify and our ledger keep it (+447…); and each masked, for staff who need to tell two
messages apart but not to reach the patient."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_UK_MOBILE = re.compile(r"^(?:\+44|0044|0)(7\d{9})$")
_SEPARATORS = re.compile(r"[\s().-]")


def uk_mobile(raw: str) -> str | None:
    """+447… for a UK mobile number however it was typed; None for anything else (a
    landline, a number abroad, a typing slip)."""
    match = _UK_MOBILE.match(_SEPARATORS.sub("", raw or ""))
    return f"+44{match.group(1)}" if match else None


def email_address(raw: str) -> str | None:
    """The address, trimmed, if it is one an email can go to; None otherwise."""
    address = (raw or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        return None
    return address


def masked(address: str) -> str:
    """Enough of an address to tell two apart, not enough to use: 07••• ••• 123 for a
    mobile, j•••@example.com for an email address."""
    if "@" in address:
        local, _, domain = address.rpartition("@")
        return f"{local[:1]}•••@{domain}"
    return f"07••• ••• {address[-3:]}" if len(address) > 6 else "•••"
