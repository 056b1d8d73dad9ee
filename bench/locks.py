"""Which locks the benchmark's clients wait on: pg_stat_activity polled while they work,
each busy backend (running a statement, or inside a transaction) one sample a poll, and a
backend waiting on a heavyweight lock (a row, a transaction, an advisory lock such as an
audit chain's) or a lightweight one (WAL insertion, a buffer, the lock manager) counted
against that lock. A lock's share is its samples over all busy samples: the part of the
backends' working time spent queued on it."""

import os
import threading
import time
from collections import Counter

from bench.clients import APPLICATION_NAME

INTERVAL = 0.02  # seconds between polls

SAMPLE = """
SELECT a.wait_event_type, a.wait_event, l.locktype, l.relation::regclass::text, l.page,
       l.tuple, l.transactionid::text, l.classid, l.objid
FROM pg_stat_activity a
LEFT JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
WHERE a.application_name = %s AND a.state IN ('active', 'idle in transaction')
"""


def lock_name(wait_type, wait_event, locktype, relation, page, row, xid, classid, objid):
    """The one lock a backend waits on, named; None when it waits on no lock."""
    if wait_type == "LWLock":
        return f"LWLock {wait_event}"
    if wait_type != "Lock":
        return None
    return {
        "advisory": f"advisory lock ({classid}, {objid})",
        "relation": f"relation {relation}",
        "tuple": f"row ({page}, {row}) of {relation}",
        "transactionid": f"transaction {xid}",
    }.get(locktype, f"{wait_event} lock")


class LockSampler:
    """Samples the clients' backends from `start_at` to `until` (time.time()) in a thread
    of its own, on a connection of its own."""

    def __init__(self, start_at: float, until: float) -> None:
        self.start_at, self.until = start_at, until
        self.polls, self.busy = 0, 0
        self.waits: Counter = Counter()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "LockSampler":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.thread.join()

    def _sample(self) -> None:
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            moment = self.start_at
            while moment < self.until:
                time.sleep(max(0.0, moment - time.time()))
                rows = conn.execute(SAMPLE, [APPLICATION_NAME], prepare=True).fetchall()
                self.polls += 1
                self.busy += len(rows)
                self.waits.update(name for row in rows if (name := lock_name(*row)))
                moment += INTERVAL

    def summary(self) -> dict:
        def share(n: int) -> float:
            return round(n / self.busy, 4) if self.busy else 0.0

        top = self.waits.most_common(3)
        return {
            "polls": self.polls,
            "busy_backend_samples": self.busy,
            "waiting_on_any_lock": share(sum(self.waits.values())),
            "largest": {"lock": top[0][0], "share": share(top[0][1])} if top else None,
            "top": [{"lock": name, "share": share(n)} for name, n in top],
        }
