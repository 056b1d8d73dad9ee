"""The sandbox's slots: free ones found as a searchset bundle needs them, and counted."""

import sqlite3
from datetime import datetime

from gpconnect.provider.core import FreeSlots
from gpconnect.resources.location import Location
from gpconnect.resources.practitioner import Practitioner
from gpconnect.resources.schedule import Schedule
from gpconnect.resources.slot import Slot

from .database import Database, from_utc, resource, utc
from .practices import Practices


def slot_from_row(row: sqlite3.Row) -> Slot:
    return Slot(
        id=row["id"],
        schedule_id=row["schedule_id"],
        start=from_utc(row["start"]),
        end=from_utc(row["end"]),
        status=row["status"],
        delivery_channel=row["delivery_channel"],
        service_type=row["slot_type"],
    )


class Slots:
    def __init__(self, database: Database, practices: Practices) -> None:
        self._database = database
        self._practices = practices

    def free(self, ods: str, *, earliest: datetime, latest: datetime) -> FreeSlots:
        """The practice's free slots within the times, with their schedules, clinicians,
        sites and the practice."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT * FROM slot WHERE ods = ? AND status = 'free' AND start >= ? "
                'AND "end" <= ? ORDER BY start, id',
                (ods, utc(earliest), utc(latest)),
            ).fetchall()
            found = FreeSlots(slots=[slot_from_row(row) for row in rows])
            for slot in found.slots:
                if slot.schedule_id in found.schedules:
                    continue
                schedule = Schedule.from_fhir(resource(db, "schedule", slot.schedule_id))
                found.schedules[schedule.id] = schedule
                if schedule.practitioner_id not in found.practitioners:
                    found.practitioners[schedule.practitioner_id] = Practitioner.from_fhir(
                        resource(db, "practitioner", schedule.practitioner_id)
                    )
                if schedule.location_id not in found.locations:
                    found.locations[schedule.location_id] = Location.from_fhir(
                        resource(db, "location", schedule.location_id)
                    )
        if found.slots:
            organization = self._practices.organization(ods)
            found.organizations[organization.id] = organization
        return found

    def count(self, ods: str, *, status: str, since: datetime) -> int:
        with self._database.reading() as db:
            row = db.execute(
                "SELECT COUNT(*) FROM slot WHERE ods = ? AND status = ? AND start >= ?",
                (ods, status, utc(since)),
            ).fetchone()
        return int(row[0])
