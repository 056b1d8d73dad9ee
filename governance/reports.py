"""How audit events read to people: plain-English labels for the screens, and rows for the
access report's CSV export, made safe to open in a spreadsheet. No database access."""

from collections.abc import Iterable, Iterator

from django.utils import timezone

from governance.access import Basis, Purpose
from governance.actions import Action
from governance.audit import PATIENT_ROLE
from governance.models import AuditEvent
from practices.roles import Role


def role_label(value: str) -> str:
    if value == PATIENT_ROLE:
        return "The patient, online"
    return Role(value).label if value in Role.values else value


_BASIS_LABELS = dict(Basis.choices)
_ACTION_LABELS = dict(Action.choices)
_PURPOSE_LABELS = dict(Purpose.choices)


def basis_label(value: str) -> str:
    return _BASIS_LABELS.get(value, value)


def action_label(value: str) -> str:
    return _ACTION_LABELS.get(value, value)


def purpose_label(value: str) -> str:
    return _PURPOSE_LABELS.get(value, value)


# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """The cell as text, with a leading quote where a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


CSV_HEADER = [
    "Event (chain:number)",
    "When (UK time)",
    "Username",
    "Name",
    "Role",
    "Organisation ODS code",
    "Organisation",
    "Action",
    "Patient NHS number",
    "Patient's practice ODS code",
    "Purpose",
    "Basis",
    "Outcome",
    "Reason",
    "Request id",
    "Event hash",
]


def csv_rows(events: Iterable[AuditEvent]) -> Iterator[list[str]]:
    """The header, then one row per event. Expects events as `access_report` gives them: a
    patient's NHS number only where the reader may see it, their practice's code always."""
    yield CSV_HEADER
    for event in events:
        row = [
            f"{event.chain}:{event.sequence}",
            timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
            event.actor_username,
            event.actor_name,
            role_label(event.actor_role),
            event.actor_organisation_ods,
            event.actor_organisation_name,
            action_label(event.action),
            event.patient.nhs_number if event.patient and event.patient_shown else "",
            event.patient.registered_practice.ods_code if event.patient else "",
            purpose_label(event.purpose),
            basis_label(event.basis),
            event.get_outcome_display(),
            event.reason,
            event.request_id,
            event.hash,
        ]
        yield [spreadsheet_safe(cell) for cell in row]
