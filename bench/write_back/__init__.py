"""Write-back throughput and latency: from a booking in the hub to "confirmed in the practice
system", against the GP Connect sandbox with 50 ms added to every call, real Celery workers
and Redis. `make bench` runs it after the other measurements; on its own:

    bench/services.sh .venv/bin/python -m bench.write_back [--latency-ms 50] [--workers 1]
        [--threads 32] [--paced 100 --rate 5 --burst 300] [--output figures.json]

Two phases. Paced: bookings arrive at a steady rate (as receptionists make them) and each
one's time from commit to confirmation is measured, for p50 and p95. Burst: a batch is
booked as fast as one client can, and the rate of confirmations is set beside the rate of
bookings. Each delivery is three or four GP Connect calls (find the patient, register them
if the practice does not know them, find the slot, book).

The workers run as production runs them (ADR 0006): Celery's threads pool, `--threads`
deliveries in flight per process (a delivery mostly waits on the practice system), in
`--workers` processes.
"""

import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.processes import cpu_seconds, free_port, start, stop, wait_for
from bench.stats import summary_ms
from bench.write_back.world import book_new_patient, build_world, free_imported_slots

WORKERS = 1  # Celery worker processes
THREADS = 32  # deliveries in flight in each (config/celery.py)


def measure(
    *,
    latency_ms: int = 50,
    workers: int = WORKERS,
    threads: int = THREADS,
    practices: int = 4,
    paced: int = 100,
    rate: float = 5.0,
    burst: int = 300,
) -> dict:
    """Start the sandbox and the Celery workers, book, and measure; Django must be set up
    and migrated, and CELERY_BROKER_URL point at a Redis."""
    work = Path(tempfile.mkdtemp(prefix="hubdiary-wb-bench-"))
    port = free_port()
    sandbox = start(
        [sys.executable, "-m", "gpconnect.sandbox", "--port", str(port), "--db",
         str(work / "sandbox.sqlite3"), "--latency-ms", str(latency_ms), "--quiet"],
        work / "sandbox.log",
    )  # fmt: skip
    sandbox_url = f"http://127.0.0.1:{port}"
    worker_processes = []
    try:
        wait_for(lambda: _answers(sandbox_url + "/_health"), 30, "the sandbox")
        membership, linked = build_world(sandbox_url, practices)
        slots = free_imported_slots(linked)
        if len(slots) < paced + burst:
            raise SystemExit(f"Only {len(slots)} free slots for {paced + burst} bookings")
        for number in range(workers):
            log = work / f"worker-{number}.log"
            worker_processes.append(
                start(
                    [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool",
                     "threads", "--concurrency", str(threads), "--hostname",
                     f"write-back-bench-{number}@%h", "--loglevel", "INFO", "--without-gossip",
                     "--without-mingle"],
                    log,
                    env={**os.environ, "LOG_LEVEL": "WARNING"},
                )
            )  # fmt: skip
            wait_for(lambda log=log: " ready." in log.read_text(errors="replace"), 60, "a worker")

        paced_ids = []
        began = time.monotonic()
        for number in range(paced):
            paced_ids.append(book_new_patient(membership, slots.pop()).pk)
            time.sleep(max(0.0, began + (number + 1) / rate - time.monotonic()))
        _settle(paced_ids, timeout=300)

        measured = (*worker_processes, sandbox)
        cpu_before = [cpu_seconds(process) for process in measured]
        burst_ids = [book_new_patient(membership, slots.pop()).pk for _ in range(burst)]
        _settle(burst_ids, timeout=600)
        cpu_used = [cpu_seconds(p) - before for p, before in zip(measured, cpu_before, strict=True)]
        return {
            "sandbox_latency_ms": latency_ms,
            "celery_worker_processes": workers,
            "celery_threads_per_process": threads,
            "paced": {"bookings": paced, "rate_per_s": rate, **_figures(paced_ids)},
            "burst": {
                "bookings": burst,
                **_figures(burst_ids),
                # What each delivery cost the workers and the sandbox: on a busy host the
                # rates vary with the host's other load, this much less.
                "cpu_ms_per_delivery": {
                    "workers": round(1000 * sum(cpu_used[:-1]) / burst, 1),
                    "sandbox": round(1000 * cpu_used[-1] / burst, 1),
                },
            },
        }
    finally:
        for worker in worker_processes:
            stop(worker)
        stop(sandbox)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (our own sandbox)
            return True
    except OSError:
        return False


def _settle(booking_ids: list[int], timeout: float) -> None:
    from writeback.models import WriteBackMessage

    wait_for(
        lambda: (
            not WriteBackMessage.objects.filter(
                booking_id__in=booking_ids, state__in=WriteBackMessage.OPEN_STATES
            ).exists()
        ),
        timeout,
        "every write-back to be confirmed",
    )


def _figures(booking_ids: list[int]) -> dict:
    """From the database: how the messages ended, each booking's time from its commit to
    its confirmation, and the rates of bookings and of confirmations, each over the span
    from its first to its last (so a pace kept shows as equal rates)."""
    from collections import Counter

    from writeback.models import WriteBackMessage

    rows = list(
        WriteBackMessage.objects.filter(booking_id__in=booking_ids).values_list(
            "state", "booking__created_at", "confirmed_at"
        )
    )
    booked = sorted(created for _, created, _ in rows)
    confirmed = sorted(at for _, _, at in rows if at)

    def per_s(moments: list) -> float | None:
        span = (moments[-1] - moments[0]).total_seconds() if len(moments) > 1 else 0
        return round((len(moments) - 1) / span, 1) if span else None

    return {
        "states": dict(Counter(state for state, _, _ in rows)),
        "booking_to_confirmed": summary_ms(
            [(at - created).total_seconds() for _, created, at in rows if at]
        ),
        "booked_per_s": per_s(booked),
        "confirmed_per_s": per_s(confirmed),
        # About one delivery's time when confirmations keep pace with bookings.
        "last_confirmed_after_last_booked_ms": round(
            (confirmed[-1] - booked[-1]).total_seconds() * 1000
        )
        if confirmed
        else None,
    }
