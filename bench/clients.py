"""Client processes that start work together: spawned, Django set up, and named to
PostgreSQL (so the lock sampler tells their backends from everything else's), then each
given one job to start at the same moment."""

import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable

import django

APPLICATION_NAME = "hubdiary-bench-client"


def _ready(barrier) -> None:
    os.environ["PGAPPNAME"] = APPLICATION_NAME  # libpq's name for every connection made here
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    barrier.wait()


class Clients:
    """`processes` clients, ready when made; `run` them as often as needed."""

    def __init__(self, processes: int) -> None:
        from django.db import connections

        connections.close_all()
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(processes + 1)
        self.processes = processes
        self.pool = context.Pool(processes, initializer=_ready, initargs=(barrier,))
        barrier.wait(timeout=180)

    def run(self, work: Callable[[dict], dict], jobs: list[dict], start_at: float) -> list[dict]:
        """Each job to its own process, all to start at `start_at` (time.time())."""
        assert len(jobs) == self.processes
        return self.pool.map(work, [{**job, "start_at": start_at} for job in jobs], chunksize=1)

    def __enter__(self) -> "Clients":
        return self

    def __exit__(self, *exc) -> None:
        self.pool.terminate()
        self.pool.join()


def wait_until(moment: float) -> None:
    while time.time() < moment:
        time.sleep(0.001)


def until_deadline(job: dict, attempt: Callable[[object], str]) -> dict:
    """`attempt` each item of the job's `work` in turn, from its `start_at` for its
    `seconds`: how each came out, how long each took, and the CPU the client spent."""
    outcomes: Counter = Counter()
    latencies = []
    wait_until(job["start_at"])
    deadline = job["start_at"] + job["seconds"]
    cpu_started = time.process_time()
    for item in job["work"]:
        if time.time() >= deadline:
            break
        began = time.perf_counter()
        outcomes[attempt(item)] += 1
        latencies.append(time.perf_counter() - began)
    else:
        outcomes["ran out of slots"] += 1
    return {
        "outcomes": dict(outcomes),
        "latencies": latencies,
        "ended": time.time(),
        "cpu_seconds": time.process_time() - cpu_started,
    }
