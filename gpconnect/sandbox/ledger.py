"""The ledger: every appointment the sandbox holds, flattened for tests and people to read,
with who booked it, for whom, and through what."""

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from gpconnect import codes
from gpconnect.resources.appointment import Appointment
from gpconnect.times import LONDON, london_date

from .appointments import appointment_from_row
from .database import Database


def ledger(database: Database, ods: str | None = None) -> list[dict[str, Any]]:
    """Every appointment, or one practice's, in the order they were made."""
    with database.reading() as db:
        rows = db.execute(
            "SELECT a.*, p.resource AS patient FROM appointment a "
            "LEFT JOIN patient p ON p.id = a.patient_id "
            "WHERE (? IS NULL OR a.ods = ?) ORDER BY a.id",
            (ods, ods),
        ).fetchall()
    return [_ledger_entry(row, appointment_from_row(row)) for row in rows]


def _ledger_entry(row: sqlite3.Row, appointment: Appointment) -> dict[str, Any]:
    patient: Mapping[str, Any] = json.loads(row["patient"]) if row["patient"] else {}
    nhs_number = next(
        (
            i.get("value", "")
            for i in patient.get("identifier") or []
            if i.get("system") == codes.SYSTEM_NHS_NUMBER
        ),
        "",
    )
    names = patient.get("name") or [{}]
    organisation = appointment.booking_organization
    return {
        "practice": row["ods"],
        "id": appointment.id,
        "version": appointment.version,
        "status": appointment.status,
        "start": appointment.start.astimezone(LONDON).isoformat(),
        "end": appointment.end.astimezone(LONDON).isoformat(),
        "day": london_date(appointment.start).isoformat(),
        "slot_ids": list(appointment.slot_ids),
        "patient": {
            "id": appointment.patient_id,
            "nhs_number": nhs_number,
            "name": " ".join([*names[0].get("given", []), names[0].get("family", "")]).strip(),
        },
        "description": appointment.description,
        "comment": appointment.comment,
        "cancellation_reason": appointment.cancellation_reason,
        "reference": appointment.identifier(codes.SYSTEM_BOOKING_REFERENCE),
        "identifiers": [{"system": s, "value": v} for s, v in appointment.identifiers],
        "booking_organisation": (
            {
                "ods_code": organisation.ods_code,
                "name": organisation.name,
                "phone": organisation.phone,
            }
            if organisation
            else None
        ),
        "booked_via": row["booked_via"],
        "booked_by": json.loads(row["booked_by"]),
        "updated_by": json.loads(row["updated_by"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
