"""The sandbox's appointment books: booking, reading, retrieving, amending and
cancelling, as Hub Diary asks; and what the practice's own staff do meanwhile (fill a
slot, edit an appointment), as the fault controls ask.

Who asked, as the audit JWT said, is recorded on every change.
"""

import json
import sqlite3
from datetime import datetime

from gpconnect.errors import VERSION_CONFLICT_STATUS, GPConnectError, SpineError
from gpconnect.provider.core import Change, Requester
from gpconnect.provider.rules import check_slots_fit
from gpconnect.resources.appointment import Appointment
from gpconnect.resources.patient import Patient
from gpconnect.resources.schedule import Schedule
from gpconnect.resources.slot import Slot
from gpconnect.rest import DateWindow
from gpconnect.times import london_day_end, london_day_start

from .database import Database, resource, utc
from .slots import slot_from_row


def _the_practice(ods: str, name: str) -> Requester:
    return Requester(ods, name, "practice-reception", "Practice reception")


def appointment_from_row(row: sqlite3.Row) -> Appointment:
    return Appointment.from_fhir(json.loads(row["resource"])).changed(
        id=str(row["id"]), version=str(row["version"])
    )


class Appointments:
    def __init__(self, database: Database) -> None:
        self._database = database

    def read(self, ods: str, appointment_id: str) -> Appointment:
        with self._database.reading() as db:
            row = db.execute(
                "SELECT * FROM appointment WHERE ods = ? AND id = ?", (ods, appointment_id)
            ).fetchone()
        if row is None:
            raise GPConnectError(
                SpineError.NO_RECORD_FOUND, f"No appointment {appointment_id} at {ods}."
            )
        return appointment_from_row(row)

    def for_patient(self, ods: str, patient_id: str, window: DateWindow) -> list[Appointment]:
        """Every appointment (cancelled too) starting on the days of `window`."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT * FROM appointment WHERE ods = ? AND patient_id = ? AND start >= ? "
                "AND start < ? ORDER BY start, id",
                (
                    ods,
                    patient_id,
                    utc(london_day_start(window.start)),
                    utc(london_day_end(window.end)),
                ),
            ).fetchall()
        return [appointment_from_row(row) for row in rows]

    def book(
        self,
        ods: str,
        appointment: Appointment,
        *,
        requester: Requester,
        now: datetime,
        practice_fills: frozenset[str] = frozenset(),
    ) -> Appointment:
        """Book `appointment` into its slots, all or nothing.

        Slots in `practice_fills` are first booked by the practice itself (the fault
        "someone at the practice just booked that slot"), so this booking gets 409.
        """
        if practice_fills:
            self._fill_at_the_practice(ods, practice_fills, now=now)
        with self._database.transaction() as db:
            rows = {
                row["id"]: row
                for row in db.execute(
                    f"SELECT * FROM slot WHERE ods = ? AND id IN "  # noqa: S608
                    f"({','.join('?' * len(appointment.slot_ids))})",
                    (ods, *appointment.slot_ids),
                )
            }
            missing = [slot_id for slot_id in appointment.slot_ids if slot_id not in rows]
            if missing:
                raise GPConnectError(
                    SpineError.REFERENCE_NOT_FOUND, f"No slot {', '.join(missing)} at {ods}."
                )
            slots = sorted((slot_from_row(rows[i]) for i in appointment.slot_ids), key=_by_start)
            check_slots_fit(appointment, slots, now=now)
            patient = db.execute(
                "SELECT id FROM patient WHERE ods = ? AND id = ?", (ods, appointment.patient_id)
            ).fetchone()
            if patient is None:
                raise GPConnectError(
                    SpineError.REFERENCE_NOT_FOUND,
                    f"No Patient/{appointment.patient_id} at {ods}: find or register them first.",
                )
            schedule = Schedule.from_fhir(resource(db, "schedule", slots[0].schedule_id))
            if appointment.location_id != schedule.location_id:
                raise GPConnectError(
                    SpineError.INVALID_RESOURCE,
                    f"The slots are at Location/{schedule.location_id}, not "
                    f"Location/{appointment.location_id}.",
                )
            taken = [i for i in appointment.slot_ids if rows[i]["status"] != "free"]
            if taken:
                raise GPConnectError(
                    SpineError.DUPLICATE_REJECTED,
                    f"Slot {', '.join(taken)} is no longer free.",
                )
            stored = appointment.changed(
                id="",
                version="",
                practitioner_id=appointment.practitioner_id or schedule.practitioner_id,
                practitioner_role=schedule.practitioner_role,
                delivery_channel=slots[0].delivery_channel,
                service_category=schedule.service_category,
                service_type=slots[0].service_type,
            )
            return self._insert(
                db, ods, stored, booked_via="gpconnect", requester=requester, now=now
            )

    def _insert(
        self,
        db: sqlite3.Connection,
        ods: str,
        appointment: Appointment,
        *,
        booked_via: str,
        requester: Requester,
        now: datetime,
    ) -> Appointment:
        resource = json.dumps(appointment.to_fhir())
        who = json.dumps(requester.to_json())
        cursor = db.execute(
            "INSERT INTO appointment (ods, version, patient_id, start, status, resource, "
            "booked_via, booked_by, updated_by, created_at, updated_at) "
            "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                ods,
                appointment.patient_id,
                utc(appointment.start),
                appointment.status,
                resource,
                booked_via,
                who,
                who,
                utc(now),
                utc(now),
            ),
        )
        db.executemany(
            "UPDATE slot SET status = 'busy' WHERE id = ?",
            [(slot_id,) for slot_id in appointment.slot_ids],
        )
        return appointment.changed(id=str(cursor.lastrowid), version="1")

    def _fill_at_the_practice(self, ods: str, slot_ids: frozenset[str], *, now: datetime) -> None:
        """The practice books these slots itself, committed before Hub Diary's attempt."""
        with self._database.transaction() as db:
            for slot_id in sorted(slot_ids):
                row = db.execute(
                    "SELECT * FROM slot WHERE ods = ? AND id = ? AND status = 'free'",
                    (ods, slot_id),
                ).fetchone()
                if row is not None:
                    slot = slot_from_row(row)
                    schedule = Schedule.from_fhir(resource(db, "schedule", slot.schedule_id))
                    self._book_for_the_practice(db, ods, slot, schedule, now=now)

    def _book_for_the_practice(
        self, db: sqlite3.Connection, ods: str, slot: Slot, schedule: Schedule, *, now: datetime
    ) -> Appointment:
        """A receptionist at the practice books `slot` for one of its own patients."""
        own = Patient(nhs_number="9990000026", family="Practice", given=("Own",))
        db.execute(
            "INSERT OR IGNORE INTO patient (ods, nhs_number, resource) VALUES (?, ?, ?)",
            (ods, own.nhs_number, json.dumps(own.to_fhir())),
        )
        patient_id = db.execute(
            "SELECT id FROM patient WHERE ods = ? AND nhs_number = ?", (ods, own.nhs_number)
        ).fetchone()["id"]
        name = db.execute("SELECT name FROM practice WHERE ods = ?", (ods,)).fetchone()["name"]
        appointment = Appointment(
            status="booked",
            start=slot.start,
            end=slot.end,
            slot_ids=(slot.id,),
            patient_id=str(patient_id),
            location_id=schedule.location_id,
            practitioner_id=schedule.practitioner_id,
            created=now,
            description="Booked at the practice",
            practitioner_role=schedule.practitioner_role,
            delivery_channel=slot.delivery_channel,
            service_category=schedule.service_category,
            service_type=slot.service_type,
        )
        return self._insert(
            db, ods, appointment, booked_via="practice", requester=_the_practice(ods, name), now=now
        )

    def update(
        self,
        ods: str,
        appointment_id: str,
        *,
        version: str,
        change: Change,
        requester: Requester,
        now: datetime,
    ) -> Appointment:
        """Amend or cancel: only from the current version (409 FHIR_CONSTRAINT_VIOLATION
        otherwise), by `change`, which applies GP Connect's rules."""
        with self._database.transaction() as db:
            row = db.execute(
                "SELECT * FROM appointment WHERE ods = ? AND id = ?", (ods, appointment_id)
            ).fetchone()
            if row is None:
                raise GPConnectError(
                    SpineError.NO_RECORD_FOUND, f"No appointment {appointment_id} at {ods}."
                )
            current = appointment_from_row(row)
            if version != current.version:
                raise GPConnectError(
                    SpineError.FHIR_CONSTRAINT_VIOLATION,
                    f"If-Match names version {version}, but the appointment is at version "
                    f"{current.version}: read it again.",
                    http_status=VERSION_CONFLICT_STATUS,
                )
            updated = change(current)
            next_version = int(current.version) + 1
            db.execute(
                "UPDATE appointment SET version = ?, status = ?, resource = ?, updated_by = ?, "
                "updated_at = ? WHERE id = ?",
                (
                    next_version,
                    updated.status,
                    json.dumps(updated.changed(id="", version="").to_fhir()),
                    json.dumps(requester.to_json()),
                    utc(now),
                    row["id"],
                ),
            )
            if updated.status == "cancelled" and current.status != "cancelled":
                db.executemany(
                    "UPDATE slot SET status = 'free' WHERE id = ?",
                    [(slot_id,) for slot_id in current.slot_ids],
                )
            return updated.changed(id=current.id, version=str(next_version))

    def edit_at_the_practice(self, ods: str, appointment_id: str, *, now: datetime) -> None:
        """Someone at the practice edits the appointment (a new version)."""
        with self._database.transaction() as db:
            row = db.execute(
                "SELECT * FROM appointment WHERE ods = ? AND id = ?", (ods, appointment_id)
            ).fetchone()
            if row is None:
                return
            current = appointment_from_row(row)
            edited = current.changed(
                id="", version="", comment=(current.comment + " [seen at the practice]")[-500:]
            )
            name = db.execute("SELECT name FROM practice WHERE ods = ?", (ods,)).fetchone()
            db.execute(
                "UPDATE appointment SET version = version + 1, resource = ?, updated_by = ?, "
                "updated_at = ? WHERE id = ?",
                (
                    json.dumps(edited.to_fhir()),
                    json.dumps(_the_practice(ods, name["name"] if name else ods).to_json()),
                    utc(now),
                    row["id"],
                ),
            )

    # The ledger ---------------------------------------------------------------------------


def _by_start(slot: Slot) -> datetime:
    return slot.start
