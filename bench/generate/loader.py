"""COPY rows into the application's tables, ids allocated here so rows can refer to each
other, with the clock, the random numbers and the tally one generation shares."""

import random
import time
from collections.abc import Callable, Iterable

from django.utils import timezone


class Loader:
    def __init__(self, cursor, *, seed: int, log: Callable[[str], None]) -> None:
        self.cursor = cursor  # a psycopg 3 cursor
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.stamp = (self.now, self.now)  # created_at, updated_at
        self.counts: dict[str, int] = {}
        self.log = log
        self.started = time.perf_counter()

    def next_id(self, model) -> int:
        self.cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return self.cursor.fetchone()[0]

    def copy(self, model, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        table = model._meta.db_table
        names = ", ".join(f'"{column}"' for column in columns)
        count = 0
        with self.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        if "id" in columns:
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        return count

    def done(self, what: str, n: int) -> None:
        self.counts[what] = n
        self.log(f"  {what:<22} {n:>10,}  ({time.perf_counter() - self.started:5.1f} s)")
