"""The sandbox's patients: found by NHS number, read by id, registered temporarily."""

import json
import sqlite3
from dataclasses import replace

from gpconnect.errors import GPConnectError, SpineError
from gpconnect.resources.patient import Patient

from .database import Database


def patient_from_row(row: sqlite3.Row | None) -> Patient | None:
    if row is None:
        return None
    return replace(Patient.from_fhir(json.loads(row["resource"])), id=str(row["id"]))


class Patients:
    def __init__(self, database: Database) -> None:
        self._database = database

    def find(self, ods: str, nhs_number: str) -> Patient | None:
        with self._database.reading() as db:
            row = db.execute(
                "SELECT * FROM patient WHERE ods = ? AND nhs_number = ?", (ods, nhs_number)
            ).fetchone()
        return patient_from_row(row)

    def get(self, ods: str, patient_id: str) -> Patient | None:
        with self._database.reading() as db:
            row = db.execute(
                "SELECT * FROM patient WHERE ods = ? AND id = ?", (ods, patient_id)
            ).fetchone()
        return patient_from_row(row)

    def register(self, ods: str, patient: Patient) -> Patient:
        """A temporary registration; 409 DUPLICATE_REJECTED if already registered."""
        registered = Patient(
            nhs_number=patient.nhs_number,
            family=patient.family,
            given=patient.given,
            birth_date=patient.birth_date,
            gender=patient.gender,
            temporary=True,
        )
        with self._database.transaction() as db:
            try:
                cursor = db.execute(
                    "INSERT INTO patient (ods, nhs_number, resource) VALUES (?, ?, ?)",
                    (ods, patient.nhs_number, json.dumps(registered.to_fhir())),
                )
            except sqlite3.IntegrityError as exc:
                raise GPConnectError(
                    SpineError.DUPLICATE_REJECTED,
                    "The patient is already registered at this practice.",
                ) from exc
        return replace(registered, id=str(cursor.lastrowid))
