"""The service's own counters for Prometheus (served at /metrics by `config.metrics`).

Each is counted where the thing happens, once its transaction commits (`count_on_commit`),
so a rolled-back booking is never counted. Labels take a handful of values each, never an
identifier. With PROMETHEUS_MULTIPROC_DIR set before the process starts, prometheus_client
keeps each process's counts in a file there, and a scrape adds up every process's.
"""

from django.db import transaction
from prometheus_client import Counter

BOOKINGS = Counter(
    "hubdiary_bookings",
    "Bookings made (a move makes a new one), by the channel they came through.",
    ["channel"],
)
WRITE_BACK_OUTCOMES = Counter(
    "hubdiary_write_back_outcomes",
    "Attempts to write a booking change to a practice's clinical system, by outcome: "
    "confirmed, retry, conflict, failed, dead (retries given up).",
    ["outcome"],
)
ACCESS_REFUSALS = Counter(
    "hubdiary_access_refusals",
    "Refusals: 'audited' where the audit trail records one (the access door, a failed "
    "step-up, a patient on a staff page), 'role' where a page's or API operation's role "
    "check refuses.",
    ["kind"],
)
BREAK_GLASS = Counter(
    "hubdiary_break_glass",
    "Break-glass accesses to a patient's record.",
)


def count_on_commit(counter: Counter, **labels: str) -> None:
    """Add one to `counter` when the current transaction commits (at once outside one)."""
    child = counter.labels(**labels) if labels else counter
    transaction.on_commit(child.inc)
