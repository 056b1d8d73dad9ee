"""The sandbox's appointment books: practices, sessions, slots, patients, appointments.

State lives in SQLite, in a file (shared by every sandbox process pointed at it, and open
to inspection with `sqlite3`) or in memory. Every change runs in one `BEGIN IMMEDIATE`
transaction, so two bookings of one slot, from any thread or process, give one booking and
one 409 DUPLICATE_REJECTED.

Practices need no set-up: the first request for an ODS code creates the practice, a site,
two clinicians and their extended-access sessions over the next weeks (`SeedPlan`); later
requests top the sessions up as days pass.
"""

import itertools
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from gpconnect import codes
from gpconnect.errors import VERSION_CONFLICT_STATUS, GPConnectError, SpineError
from gpconnect.resources import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    Appointment,
    Location,
    Organization,
    Patient,
    Practitioner,
    Schedule,
    Slot,
)
from gpconnect.rest import DateWindow, Interaction
from gpconnect.times import LONDON, london_date, london_day_end, london_day_start

_SCHEMA = """
CREATE TABLE IF NOT EXISTS practice (
    ods TEXT PRIMARY KEY, name TEXT NOT NULL, phone TEXT NOT NULL, seeded_until TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS location (
    id TEXT PRIMARY KEY, ods TEXT NOT NULL, resource TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS practitioner (
    id TEXT PRIMARY KEY, ods TEXT NOT NULL, resource TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schedule (
    id TEXT PRIMARY KEY, ods TEXT NOT NULL, resource TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS slot (
    id TEXT PRIMARY KEY,
    ods TEXT NOT NULL,
    schedule_id TEXT NOT NULL,
    start TEXT NOT NULL,
    "end" TEXT NOT NULL,
    status TEXT NOT NULL,
    delivery_channel TEXT NOT NULL,
    slot_type TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS slot_by_practice_and_start ON slot (ods, start);
CREATE TABLE IF NOT EXISTS patient (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ods TEXT NOT NULL,
    nhs_number TEXT NOT NULL,
    resource TEXT NOT NULL,
    UNIQUE (ods, nhs_number)
);
CREATE TABLE IF NOT EXISTS appointment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ods TEXT NOT NULL,
    version INTEGER NOT NULL,
    patient_id TEXT NOT NULL,
    start TEXT NOT NULL,
    status TEXT NOT NULL,
    resource TEXT NOT NULL,
    booked_via TEXT NOT NULL,
    booked_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS appointment_by_patient ON appointment (ods, patient_id, start);
"""

_PRACTICE_PHONE = "01632 960000"  # Ofcom's drama range: never a real number


def _utc(value: datetime) -> str:
    """Instants are stored as UTC ISO strings, which sort as the instants do."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _from_utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Clinician:
    title: str
    given: str
    family: str
    gender: str
    role: str  # SDS job-role code
    delivery_channel: str
    session_name: str


@dataclass(frozen=True)
class Session:
    weekdays: tuple[int, ...]  # 0 is Monday
    start: time
    end: time


@dataclass(frozen=True)
class SeedPlan:
    """The extended-access sessions each practice gets: by default weekday evenings and
    Saturday mornings, a GP in person and a nurse practitioner on the telephone, for four
    weeks ahead, in 15-minute slots."""

    weeks: int = 4
    slot_minutes: int = 15
    slot_type: str = "Extended access appointment"
    sessions: tuple[Session, ...] = (
        Session((0, 1, 2, 3, 4), time(18, 30), time(20, 0)),
        Session((5,), time(9, 0), time(12, 0)),
    )
    clinicians: tuple[Clinician, ...] = (
        Clinician("Dr", "Asha", "Patel", "female", "R0260", "In-person", "GP extended access"),
        Clinician("", "Tom", "Hughes", "male", "R0600", "Telephone", "Nurse practitioner calls"),
    )


@dataclass(frozen=True)
class Requester:
    """Who asked, as the audit JWT said: recorded on every appointment change."""

    organisation_ods: str
    organisation_name: str
    practitioner_id: str
    practitioner_name: str

    def to_json(self) -> dict[str, str]:
        return {
            "organisation_ods": self.organisation_ods,
            "organisation_name": self.organisation_name,
            "practitioner_id": self.practitioner_id,
            "practitioner_name": self.practitioner_name,
        }


def _the_practice(ods: str, name: str) -> Requester:
    return Requester(ods, name, "practice-reception", "Practice reception")


@dataclass
class FreeSlots:
    """Free slots and the resources a searchset bundle includes with them."""

    slots: list[Slot]
    schedules: dict[str, Schedule] = field(default_factory=dict)
    practitioners: dict[str, Practitioner] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    organization: Organization | None = None


class SandboxStore:
    """One sandbox's state. Thread-safe; processes sharing a file serialise on SQLite."""

    def __init__(self, path: str = ":memory:", *, plan: SeedPlan | None = None) -> None:
        self.path = path
        self.plan = plan or SeedPlan()
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # Practices and seeding --------------------------------------------------------------

    def ensure_practice(self, ods: str, *, today: date) -> None:
        """Create the practice on first use; keep its sessions `plan.weeks` ahead."""
        horizon = today + timedelta(days=7 * self.plan.weeks - 1)
        with self._lock:
            row = self._db.execute(
                "SELECT seeded_until FROM practice WHERE ods = ?", (ods,)
            ).fetchone()
            if row is not None and date.fromisoformat(row["seeded_until"]) >= horizon:
                return
        with self._transaction() as db:
            row = db.execute("SELECT seeded_until FROM practice WHERE ods = ?", (ods,)).fetchone()
            if row is None:
                self._create_practice(db, ods, horizon)
                first = today
            else:
                first = max(today, date.fromisoformat(row["seeded_until"]) + timedelta(days=1))
                db.execute(
                    "UPDATE practice SET seeded_until = ? WHERE ods = ?", (horizon.isoformat(), ods)
                )
            day = first
            while day <= horizon:
                self._seed_day(db, ods, day)
                day += timedelta(days=1)

    def _create_practice(self, db: sqlite3.Connection, ods: str, horizon: date) -> None:
        db.execute(
            "INSERT INTO practice (ods, name, phone, seeded_until) VALUES (?, ?, ?, ?)",
            (ods, f"Practice {ods}", _PRACTICE_PHONE, horizon.isoformat()),
        )
        location = Location(
            id=f"{ods}-L1",
            name=f"Practice {ods} main surgery",
            managing_organization_id=ods,
            address_lines=("1 High Street",),
            city="Leeds",
            postcode="LS1 1AA",
            phone=_PRACTICE_PHONE,
        )
        db.execute(
            "INSERT INTO location (id, ods, resource) VALUES (?, ?, ?)",
            (location.id, ods, json.dumps(location.to_fhir())),
        )
        for number, clinician in enumerate(self.plan.clinicians, start=1):
            practitioner = Practitioner(
                id=f"{ods}-P{number}",
                family=clinician.family,
                given=(clinician.given,),
                prefix=(clinician.title,) if clinician.title else (),
                gender=clinician.gender,
                sds_user_id=f"G{ods}{number}",
            )
            db.execute(
                "INSERT INTO practitioner (id, ods, resource) VALUES (?, ?, ?)",
                (practitioner.id, ods, json.dumps(practitioner.to_fhir())),
            )

    def _seed_day(self, db: sqlite3.Connection, ods: str, day: date) -> None:
        step = timedelta(minutes=self.plan.slot_minutes)
        for session_number, session in enumerate(self.plan.sessions, start=1):
            if day.weekday() not in session.weekdays:
                continue
            for number, clinician in enumerate(self.plan.clinicians, start=1):
                schedule = Schedule(
                    id=f"{ods}-{day:%Y%m%d}-S{session_number}C{number}",
                    location_id=f"{ods}-L1",
                    practitioner_role=clinician.role,
                    practitioner_id=f"{ods}-P{number}",
                    service_category=clinician.session_name,
                )
                db.execute(
                    "INSERT OR IGNORE INTO schedule (id, ods, resource) VALUES (?, ?, ?)",
                    (schedule.id, ods, json.dumps(schedule.to_fhir())),
                )
                local = datetime.combine(day, session.start)
                end_of_session = datetime.combine(day, session.end)
                while local + step <= end_of_session:
                    start = local.replace(tzinfo=LONDON)
                    db.execute(
                        'INSERT OR IGNORE INTO slot (id, ods, schedule_id, start, "end", status,'
                        " delivery_channel, slot_type) VALUES (?, ?, ?, ?, ?, 'free', ?, ?)",
                        (
                            f"{ods}-{local:%Y%m%d%H%M}-{number}",
                            ods,
                            schedule.id,
                            _utc(start),
                            _utc((local + step).replace(tzinfo=LONDON)),
                            clinician.delivery_channel,
                            self.plan.slot_type,
                        ),
                    )
                    local += step

    def name_practice(self, ods: str, *, name: str, phone: str = "", today: date) -> None:
        self.ensure_practice(ods, today=today)
        with self._transaction() as db:
            db.execute(
                "UPDATE practice SET name = ?, phone = COALESCE(NULLIF(?, ''), phone) "
                "WHERE ods = ?",
                (name, phone, ods),
            )

    def organization(self, ods: str) -> Organization:
        with self._lock:
            row = self._db.execute("SELECT * FROM practice WHERE ods = ?", (ods,)).fetchone()
        if row is None:
            raise GPConnectError(SpineError.NO_RECORD_FOUND, f"No practice {ods}.")
        return Organization(
            id=ods,
            ods_code=ods,
            name=row["name"],
            phone=row["phone"],
            type_code="gp-practice",
            address_lines=("1 High Street",),
            city="Leeds",
            postcode="LS1 1AA",
        )

    def practices(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT p.ods, p.name, "
                "(SELECT COUNT(*) FROM appointment a WHERE a.ods = p.ods AND a.status = 'booked')"
                " AS booked FROM practice p ORDER BY p.ods"
            ).fetchall()
        return [dict(row) for row in rows]

    # Slots --------------------------------------------------------------------------------

    def _slot(self, row: sqlite3.Row) -> Slot:
        return Slot(
            id=row["id"],
            schedule_id=row["schedule_id"],
            start=_from_utc(row["start"]),
            end=_from_utc(row["end"]),
            status=row["status"],
            delivery_channel=row["delivery_channel"],
            service_type=row["slot_type"],
        )

    def _resource(self, table: str, resource_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            f"SELECT resource FROM {table} WHERE id = ?",  # noqa: S608 (table is ours)
            (resource_id,),
        ).fetchone()
        return json.loads(row["resource"]) if row else None

    def free_slots(self, ods: str, *, earliest: datetime, latest: datetime) -> FreeSlots:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM slot WHERE ods = ? AND status = 'free' AND start >= ? "
                'AND "end" <= ? ORDER BY start, id',
                (ods, _utc(earliest), _utc(latest)),
            ).fetchall()
            found = FreeSlots(slots=[self._slot(row) for row in rows])
            for slot in found.slots:
                if slot.schedule_id in found.schedules:
                    continue
                schedule = Schedule.from_fhir(self._resource("schedule", slot.schedule_id))
                found.schedules[schedule.id] = schedule
                if schedule.practitioner_id not in found.practitioners:
                    found.practitioners[schedule.practitioner_id] = Practitioner.from_fhir(
                        self._resource("practitioner", schedule.practitioner_id)
                    )
                if schedule.location_id not in found.locations:
                    found.locations[schedule.location_id] = Location.from_fhir(
                        self._resource("location", schedule.location_id)
                    )
        if found.slots:
            found.organization = self.organization(ods)
        return found

    def slot_count(self, ods: str, *, status: str, since: datetime) -> int:
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM slot WHERE ods = ? AND status = ? AND start >= ?",
                (ods, status, _utc(since)),
            ).fetchone()
        return int(row[0])

    # Patients -----------------------------------------------------------------------------

    def _patient(self, row: sqlite3.Row | None) -> Patient | None:
        if row is None:
            return None
        return replace(Patient.from_fhir(json.loads(row["resource"])), id=str(row["id"]))

    def find_patient(self, ods: str, nhs_number: str) -> Patient | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM patient WHERE ods = ? AND nhs_number = ?", (ods, nhs_number)
            ).fetchone()
        return self._patient(row)

    def get_patient(self, ods: str, patient_id: str) -> Patient | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM patient WHERE ods = ? AND id = ?", (ods, patient_id)
            ).fetchone()
        return self._patient(row)

    def register_patient(self, ods: str, patient: Patient) -> Patient:
        """A temporary registration; 409 DUPLICATE_REJECTED if already registered."""
        registered = Patient(
            nhs_number=patient.nhs_number,
            family=patient.family,
            given=patient.given,
            birth_date=patient.birth_date,
            gender=patient.gender,
            temporary=True,
        )
        with self._transaction() as db:
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

    # Appointments -------------------------------------------------------------------------

    def _appointment(self, row: sqlite3.Row) -> Appointment:
        return Appointment.from_fhir(json.loads(row["resource"])).changed(
            id=str(row["id"]), version=str(row["version"])
        )

    def read(self, ods: str, appointment_id: str) -> Appointment:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM appointment WHERE ods = ? AND id = ?", (ods, appointment_id)
            ).fetchone()
        if row is None:
            raise GPConnectError(
                SpineError.NO_RECORD_FOUND, f"No appointment {appointment_id} at {ods}."
            )
        return self._appointment(row)

    def patient_appointments(
        self, ods: str, patient_id: str, window: DateWindow
    ) -> list[Appointment]:
        """Every appointment (cancelled too) starting on the days of `window`."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM appointment WHERE ods = ? AND patient_id = ? AND start >= ? "
                "AND start < ? ORDER BY start, id",
                (
                    ods,
                    patient_id,
                    _utc(london_day_start(window.start)),
                    _utc(london_day_end(window.end)),
                ),
            ).fetchall()
        return [self._appointment(row) for row in rows]

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
        with self._transaction() as db:
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
            slots = sorted((self._slot(rows[i]) for i in appointment.slot_ids), key=_by_start)
            self._check_slots_fit(appointment, slots, now=now)
            patient = db.execute(
                "SELECT id FROM patient WHERE ods = ? AND id = ?", (ods, appointment.patient_id)
            ).fetchone()
            if patient is None:
                raise GPConnectError(
                    SpineError.REFERENCE_NOT_FOUND,
                    f"No Patient/{appointment.patient_id} at {ods}: find or register them first.",
                )
            schedule = Schedule.from_fhir(self._resource("schedule", slots[0].schedule_id))
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

    def _check_slots_fit(
        self, appointment: Appointment, slots: list[Slot], *, now: datetime
    ) -> None:
        if len({slot.schedule_id for slot in slots}) != 1 or any(
            later.start != earlier.end for earlier, later in itertools.pairwise(slots)
        ):
            raise GPConnectError(
                SpineError.INVALID_RESOURCE, "Only adjacent slots of one schedule book together."
            )
        if appointment.start != slots[0].start or appointment.end != slots[-1].end:
            raise GPConnectError(
                SpineError.INVALID_RESOURCE,
                "The appointment's start and end must match its slots'.",
            )
        if appointment.start <= now:
            raise GPConnectError(
                SpineError.INVALID_RESOURCE, "Only appointments in the future can be booked."
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
                _utc(appointment.start),
                appointment.status,
                resource,
                booked_via,
                who,
                who,
                _utc(now),
                _utc(now),
            ),
        )
        db.executemany(
            "UPDATE slot SET status = 'busy' WHERE id = ?",
            [(slot_id,) for slot_id in appointment.slot_ids],
        )
        return appointment.changed(id=str(cursor.lastrowid), version="1")

    def _fill_at_the_practice(self, ods: str, slot_ids: frozenset[str], *, now: datetime) -> None:
        """The practice books these slots itself, committed before Hub Diary's attempt."""
        with self._transaction() as db:
            for slot_id in sorted(slot_ids):
                row = db.execute(
                    "SELECT * FROM slot WHERE ods = ? AND id = ? AND status = 'free'",
                    (ods, slot_id),
                ).fetchone()
                if row is not None:
                    slot = self._slot(row)
                    schedule = Schedule.from_fhir(self._resource("schedule", slot.schedule_id))
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
        changed: Appointment,
        *,
        if_match: str,
        interaction: Interaction,
        requester: Requester,
        now: datetime,
    ) -> Appointment:
        """Amend or cancel: only what GP Connect lets change may change (422
        INVALID_RESOURCE otherwise), and only from the current version (409
        FHIR_CONSTRAINT_VIOLATION otherwise)."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT * FROM appointment WHERE ods = ? AND id = ?", (ods, appointment_id)
            ).fetchone()
            if row is None:
                raise GPConnectError(
                    SpineError.NO_RECORD_FOUND, f"No appointment {appointment_id} at {ods}."
                )
            current = self._appointment(row)
            if if_match != current.version:
                raise GPConnectError(
                    SpineError.FHIR_CONSTRAINT_VIOLATION,
                    f"If-Match names version {if_match}, but the appointment is at version "
                    f"{current.version}: read it again.",
                    http_status=VERSION_CONFLICT_STATUS,
                )
            updated = _apply_change(current, changed, interaction=interaction, now=now)
            version = int(current.version) + 1
            db.execute(
                "UPDATE appointment SET version = ?, status = ?, resource = ?, updated_by = ?, "
                "updated_at = ? WHERE id = ?",
                (
                    version,
                    updated.status,
                    json.dumps(updated.changed(id="", version="").to_fhir()),
                    json.dumps(requester.to_json()),
                    _utc(now),
                    row["id"],
                ),
            )
            if updated.status == "cancelled" and current.status != "cancelled":
                db.executemany(
                    "UPDATE slot SET status = 'free' WHERE id = ?",
                    [(slot_id,) for slot_id in current.slot_ids],
                )
            return updated.changed(id=current.id, version=str(version))

    def edit_at_the_practice(self, ods: str, appointment_id: str, *, now: datetime) -> None:
        """Someone at the practice edits the appointment (a new version)."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT * FROM appointment WHERE ods = ? AND id = ?", (ods, appointment_id)
            ).fetchone()
            if row is None:
                return
            current = self._appointment(row)
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
                    _utc(now),
                    row["id"],
                ),
            )

    # The ledger ---------------------------------------------------------------------------

    def ledger(self, ods: str | None = None) -> list[dict[str, Any]]:
        """Every appointment the sandbox holds, flattened for tests and people to read."""
        with self._lock:
            rows = self._db.execute(
                "SELECT a.*, p.resource AS patient FROM appointment a "
                "LEFT JOIN patient p ON p.id = a.patient_id "
                "WHERE (? IS NULL OR a.ods = ?) ORDER BY a.id",
                (ods, ods),
            ).fetchall()
        return [_ledger_entry(row, self._appointment(row)) for row in rows]

    def reset(self) -> None:
        with self._transaction() as db:
            for table in ("appointment", "patient", "slot", "schedule", "practitioner"):
                db.execute(f"DELETE FROM {table}")  # noqa: S608 (table is ours)
            db.execute("DELETE FROM location")
            db.execute("DELETE FROM practice")
            db.execute("DELETE FROM sqlite_sequence")


def _by_start(slot: Slot) -> datetime:
    return slot.start


_FIXED_FIELDS = (
    "start",
    "end",
    "slot_ids",
    "patient_id",
    "location_id",
    "created",
    "identifiers",
)


def _apply_change(
    current: Appointment, changed: Appointment, *, interaction: Interaction, now: datetime
) -> Appointment:
    if current.start <= now:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE, "Appointments in the past cannot be changed."
        )
    moved = [name for name in _FIXED_FIELDS if getattr(changed, name) != getattr(current, name)]
    if changed.practitioner_id and changed.practitioner_id != current.practitioner_id:
        moved.append("practitioner")
    if changed.booking_organization != current.booking_organization and (
        changed.booking_organization is None
        or current.booking_organization is None
        or (changed.booking_organization.ods_code, changed.booking_organization.name)
        != (current.booking_organization.ods_code, current.booking_organization.name)
    ):
        moved.append("booking organisation")
    if moved:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE,
            f"Only the description, comment, status and cancellation reason may change, not "
            f"{', '.join(moved)}.",
        )
    if len(changed.description) > DESCRIPTION_MAX or len(changed.comment) > COMMENT_MAX:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE,
            f"The description takes at most {DESCRIPTION_MAX} characters and the comment "
            f"{COMMENT_MAX}.",
        )
    if interaction is Interaction.CANCEL_APPOINTMENT:
        if current.status == "cancelled":
            raise GPConnectError(SpineError.INVALID_RESOURCE, "The appointment is cancelled.")
        if changed.status != "cancelled" or not changed.cancellation_reason.strip():
            raise GPConnectError(
                SpineError.INVALID_RESOURCE,
                "A cancellation sets status to cancelled and gives a cancellation reason.",
            )
        if (changed.description, changed.comment) != (current.description, current.comment):
            raise GPConnectError(
                SpineError.INVALID_RESOURCE,
                "A cancellation changes only the status and the cancellation reason.",
            )
    else:
        if changed.status != current.status:
            raise GPConnectError(
                SpineError.INVALID_RESOURCE,
                "An amendment cannot change the status: cancel with the cancel interaction.",
            )
        if current.status != "cancelled" and changed.cancellation_reason:
            raise GPConnectError(
                SpineError.INVALID_RESOURCE,
                "Only a cancelled appointment has a cancellation reason.",
            )
    return current.changed(
        status=changed.status,
        description=changed.description,
        comment=changed.comment,
        cancellation_reason=changed.cancellation_reason,
    )


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
