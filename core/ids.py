"""Public identifiers: the UUIDs that name records in URLs and query strings."""

import uuid


def validate_uuid(value: str) -> uuid.UUID | None:
    """The UUID `value` spells, or None: a link typed wrong or cut short is no error."""
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None
