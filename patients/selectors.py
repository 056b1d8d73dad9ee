"""Plain reads of patient records, for callers that decide access next (governance's door
does, for everything it shows)."""

from core.db import CompiledLookup
from patients.models import Patient


def patient_with_nhs_number(nhs_number: str) -> Patient | None:
    """The record with this (normalised) NHS number, unscoped: for a caller that decides
    access to it next, as booking does, or audits a look at it. Compiled once: every booking
    through the API starts with it."""
    return _BY_NHS_NUMBER.get(nhs_number)


_BY_NHS_NUMBER = CompiledLookup(Patient.objects.all(), "nhs_number")
