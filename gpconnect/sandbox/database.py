"""The sandbox's SQLite database: its tables, its one connection, and its transactions.

State lives in a file (shared by every sandbox process pointed at it, and open to
inspection with `sqlite3`) or in memory. Every change runs in one `BEGIN IMMEDIATE`
transaction, so two bookings of one slot, from any thread or process, give one booking and
one 409 DUPLICATE_REJECTED. Reads and writes from this process's threads take turns on one
connection.
"""

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

SCHEMA = """
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

# Emptied by a reset, children before parents.
_TABLES = ("appointment", "patient", "slot", "schedule", "practitioner", "location", "practice")
# Tables holding a resource's FHIR JSON by its id.
_RESOURCE_TABLES = frozenset({"location", "practitioner", "schedule"})


def utc(value: datetime) -> str:
    """Instants are stored as UTC ISO strings, which sort as the instants do."""
    return value.astimezone(UTC).isoformat(timespec="seconds")


def from_utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Database:
    """One connection to the sandbox's SQLite, shared by this process's threads in turn."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        if path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, for statements that change nothing."""
        with self._lock:
            yield self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection in a write transaction, committed unless the block raises."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def reset(self) -> None:
        with self.transaction() as db:
            for table in _TABLES:
                db.execute(f"DELETE FROM {table}")  # noqa: S608 (table is ours)
            db.execute("DELETE FROM sqlite_sequence")

    def close(self) -> None:
        with self._lock:
            self._db.close()


def resource(db: sqlite3.Connection, table: str, resource_id: str) -> dict[str, Any] | None:
    """The FHIR JSON of a location, practitioner or schedule, by its id."""
    if table not in _RESOURCE_TABLES:
        raise ValueError(f"No resources are kept in {table}.")
    row = db.execute(
        f"SELECT resource FROM {table} WHERE id = ?",  # noqa: S608 (table is ours)
        (resource_id,),
    ).fetchone()
    return json.loads(row["resource"]) if row else None
