"""Keyset paging: how long a page is, and the opaque cursor that says where the next starts.

A cursor is the (start, id) of the last row shown, signed so that it cannot be forged or
edited: the hundredth page costs what the first does, and a client treats it as opaque.
"""

import datetime

from django.core import signing

# Rows on one page of a list of patients, bookings or events, on screen and in the API.
PAGE_SIZE = 50
# Free slots on one page of search: a receptionist reads them, so fewer.
SEARCH_PAGE_SIZE = 25


class InvalidCursor(ValueError):
    """The cursor is not one we gave out (edited, forged, or from another list)."""


def encode_cursor(start: datetime.datetime, pk: int, *, salt: str) -> str:
    return signing.dumps([start.isoformat(), pk], salt=salt, compress=True)


def decode_cursor(value: str, *, salt: str) -> tuple[datetime.datetime, int]:
    try:
        start, pk = signing.loads(value, salt=salt)
        return datetime.datetime.fromisoformat(start), int(pk)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InvalidCursor(value) from error
