"""The one access door for patient data.

- `decide(actor, patient, purpose, action=...)`: may this actor use this patient's data for
  this purpose? Audited, allowed or refused.
- `visible(actor, purpose, queryset, via=...)` and `audit_listing(...)`: the rows of a list
  the actor may see, by the same rules, and one audit event per page shown.
- Loaders for pages: `get_patient_or_404`, `find_patients`, `patients_for`.

Everything that shows or changes a patient's data comes through here.
"""

from governance.access.door import (
    PatientNotFound,
    audit_listing,
    decide,
    decide_then,
    find_patients,
    get_patient_or_404,
    open_patient_or_404,
    patients_for,
    visible,
)
from governance.access.purposes import PURPOSES, REVIEWED_BASES, Basis, Decision, Purpose
from governance.access.sources import (
    RelationshipSource,
    TeamSource,
    register_source,
    register_team_source,
)

__all__ = [
    "PURPOSES",
    "REVIEWED_BASES",
    "Basis",
    "Decision",
    "PatientNotFound",
    "Purpose",
    "RelationshipSource",
    "TeamSource",
    "audit_listing",
    "decide",
    "decide_then",
    "find_patients",
    "get_patient_or_404",
    "open_patient_or_404",
    "patients_for",
    "register_source",
    "register_team_source",
    "visible",
]
