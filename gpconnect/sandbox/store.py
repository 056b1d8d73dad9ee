"""The sandbox's state in one place: practices, slots, patients and appointment books, over
one SQLite database (`database`), safe across threads and across sandbox processes that
share a file.

- `practices`: made on first use, with their sessions (`SeedPlan`);
- `slots`: free slots, as a search returns them;
- `patients`: found, read, registered temporarily;
- `appointments`: booked, read, retrieved, amended and cancelled, under GP Connect's rules
  (`rules`), and what the practice's own staff do meanwhile;
- `ledger()`: every appointment, flattened for tests and people to read.
"""

from typing import Any

from .appointments import Appointments
from .database import Database
from .ledger import ledger
from .patients import Patients
from .practices import Practices, SeedPlan
from .slots import Slots


class SandboxStore:
    """One sandbox's state. Thread-safe; processes sharing a file serialise on SQLite."""

    def __init__(self, path: str = ":memory:", *, plan: SeedPlan | None = None) -> None:
        self.path = path
        self._database = Database(path)
        self.practices = Practices(self._database, plan or SeedPlan())
        self.slots = Slots(self._database, self.practices)
        self.patients = Patients(self._database)
        self.appointments = Appointments(self._database)

    def ledger(self, ods: str | None = None) -> list[dict[str, Any]]:
        """Every appointment the sandbox holds (or one practice's), for tests and people."""
        return ledger(self._database, ods)

    def reset(self) -> None:
        """Empty every appointment book; practices are made again on their next use."""
        self._database.reset()

    def close(self) -> None:
        self._database.close()
