"""How audit events read to people: plain-English labels for the screens, and rows for the
access report's CSV export, made safe to open in a spreadsheet. No database access."""

from collections.abc import Iterable, Iterator

from django.utils import timezone

from governance.access import Basis
from governance.models import AuditEvent
from practices.roles import Role

BASIS_LABELS: dict[str, str] = {
    Basis.REGISTERED_PRACTICE: "Registered practice",
    Basis.ACCESS_GRANT: "Honorary contract",
    Basis.SHARING_AGREEMENT: "Sharing agreement",
    Basis.BREAK_GLASS: "Break-glass",
}

ACTION_LABELS: dict[str, str] = {
    "patient.view": "Viewed the record",
    "patient.list": "Listed registered patients",
    "patient.find": "Searched for a patient",
    "patient.register": "Registered the patient",
    "patient.update": "Changed the patient's details",
    "patient.edit": "Changed the patient's details",
    "patient.access-history": "Viewed who accessed the record",
    "consent.view": "Viewed consent",
    "consent.record": "Recorded consent",
    "break-glass": "Broke glass",
    "break-glass.step-up": "Confirmed password for break-glass",
    "break-glass.review": "Reviewed break-glass access",
    "break-glass.review-view": "Opened a break-glass review",
    "agreement.propose": "Proposed a sharing agreement",
    "agreement.accept": "Accepted a sharing agreement",
    "agreement.decline": "Declined a sharing agreement",
    "agreement.end": "Ended a sharing agreement",
    "grant.create": "Gave honorary access",
    "grant.revoke": "Revoked honorary access",
    "audit.report": "Viewed the access report",
    "audit.export": "Downloaded the access report",
}


def role_label(value: str) -> str:
    return Role(value).label if value in Role.values else value


def basis_label(value: str) -> str:
    return BASIS_LABELS.get(value, value)


def action_label(value: str) -> str:
    return ACTION_LABELS.get(value, value)


# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """The cell as text, with a leading quote where a spreadsheet would read a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


CSV_HEADER = [
    "Event",
    "When (UK time)",
    "Username",
    "Name",
    "Role",
    "Organisation ODS code",
    "Organisation",
    "Action",
    "Patient NHS number",
    "Purpose",
    "Basis",
    "Outcome",
    "Reason",
    "Request id",
    "Event hash",
]


def csv_rows(events: Iterable[AuditEvent]) -> Iterator[list[str]]:
    """The header, then one row per event. Expects events with their patient loaded."""
    yield CSV_HEADER
    for event in events:
        row = [
            event.sequence,
            timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
            event.actor_username,
            event.actor_name,
            role_label(event.actor_role),
            event.actor_organisation_ods,
            event.actor_organisation_name,
            event.action,
            event.patient.nhs_number if event.patient else "",
            event.purpose,
            basis_label(event.basis),
            event.get_outcome_display(),
            event.reason,
            event.request_id,
            event.hash,
        ]
        yield [spreadsheet_safe(cell) for cell in row]
