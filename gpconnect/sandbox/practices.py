"""The sandbox's practices, made on first use with their site, clinicians and sessions.

Practices need no set-up: the first request for an ODS code creates the practice, a site,
two clinicians and their extended-access sessions over the next weeks (`SeedPlan`); later
requests top the sessions up as days pass.
"""

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from gpconnect.errors import GPConnectError, SpineError
from gpconnect.resources.location import Location
from gpconnect.resources.organization import Organization
from gpconnect.resources.practitioner import Practitioner
from gpconnect.resources.schedule import Schedule
from gpconnect.times import LONDON

from .database import Database, utc

PRACTICE_PHONE = "01632 960000"  # Ofcom's drama range: never a real number


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


class Practices:
    """Practices, their names, and their sessions kept `plan.weeks` ahead."""

    def __init__(self, database: Database, plan: SeedPlan) -> None:
        self._database = database
        self.plan = plan

    def ensure(self, ods: str, *, today: date) -> None:
        """Create the practice on first use; keep its sessions `plan.weeks` ahead."""
        horizon = today + timedelta(days=7 * self.plan.weeks - 1)
        with self._database.reading() as db:
            row = db.execute("SELECT seeded_until FROM practice WHERE ods = ?", (ods,)).fetchone()
            if row is not None and date.fromisoformat(row["seeded_until"]) >= horizon:
                return
        with self._database.transaction() as db:
            row = db.execute("SELECT seeded_until FROM practice WHERE ods = ?", (ods,)).fetchone()
            if row is None:
                self._create(db, ods, horizon)
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

    def _create(self, db: sqlite3.Connection, ods: str, horizon: date) -> None:
        db.execute(
            "INSERT INTO practice (ods, name, phone, seeded_until) VALUES (?, ?, ?, ?)",
            (ods, f"Practice {ods}", PRACTICE_PHONE, horizon.isoformat()),
        )
        location = Location(
            id=f"{ods}-L1",
            name=f"Practice {ods} main surgery",
            managing_organization_id=ods,
            address_lines=("1 High Street",),
            city="Leeds",
            postcode="LS1 1AA",
            phone=PRACTICE_PHONE,
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
                            utc(start),
                            utc((local + step).replace(tzinfo=LONDON)),
                            clinician.delivery_channel,
                            self.plan.slot_type,
                        ),
                    )
                    local += step

    def name(self, ods: str, *, name: str, phone: str = "", today: date) -> None:
        self.ensure(ods, today=today)
        with self._database.transaction() as db:
            db.execute(
                "UPDATE practice SET name = ?, phone = COALESCE(NULLIF(?, ''), phone) "
                "WHERE ods = ?",
                (name, phone, ods),
            )

    def organization(self, ods: str) -> Organization:
        with self._database.reading() as db:
            row = db.execute("SELECT * FROM practice WHERE ods = ?", (ods,)).fetchone()
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

    def listing(self) -> list[dict[str, Any]]:
        """Every practice used so far, with how many appointments it has booked."""
        with self._database.reading() as db:
            rows = db.execute(
                "SELECT p.ods, p.name, "
                "(SELECT COUNT(*) FROM appointment a WHERE a.ods = p.ods AND a.status = 'booked')"
                " AS booked FROM practice p ORDER BY p.ods"
            ).fetchall()
        return [dict(row) for row in rows]
