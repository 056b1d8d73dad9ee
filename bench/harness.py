"""Measure Hub Diary on generated data: search, booking beside its floor, a storm, write-back.

In one run, against the database in DATABASE_URL (loaded by bench.generate):

(a) hub free-slot search through the API under gunicorn, beside the same query as raw SQL
    and a trivial authenticated endpoint: the database's and the framework's floors
    (bench.search);
(b) sustained booking through the service the booking API calls, at 4 and 8 client
    processes over several hubs, each beside its floor, the bare transaction, with the
    lock waits sampled (bench.booking);
(c) a storm of 1,000 concurrent attempts on 10 slots, which must give exactly 10 bookings
    (bench.storm);
(d) write-back: from a booking to "confirmed in the practice system" against the GP
    Connect sandbox with 50 ms latency, through Redis and Celery (bench.write_back).

It prints a table with the targets met or not (bench.report) and writes JSON to
bench/results/. The load generator runs on the same cores as the server and PostgreSQL, so
every figure includes that competition.
"""

import argparse
import datetime
import json
import os
import platform
import random
import subprocess
import sys
from pathlib import Path

import django

from bench import report

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SECTIONS = ("api", "booking", "storm", "gpconnect", "reports", "write-back")
# Seconds a booking phase lasts: each phase books into slots none has touched, and the
# small preset has fewer of them.
BOOKING_SECONDS = {"small": 3, "tiny": 0.3}


def main(argv: list[str] | None = None, *, preset: str | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default=preset or "unknown", help="label for the results")
    parser.add_argument("--search-requests", type=int, default=300)
    parser.add_argument("--whole-requests", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--booking-clients", type=int, nargs="+", default=[4, 8])
    parser.add_argument(
        "--booking-hubs", type=int, help="hubs a booking phase's clients share (default: one each)"
    )
    parser.add_argument("--booking-seconds", type=float, help="each phase (default 10)")
    parser.add_argument(
        "--write-back-workers", type=int, default=1, help="Celery processes (threads pool)"
    )
    parser.add_argument(
        "--write-back-threads", type=int, default=32, help="deliveries in flight per process"
    )
    parser.add_argument("--gpconnect-searches", type=int, default=200)
    parser.add_argument("--gpconnect-bookings", type=int, default=100)
    parser.add_argument("--skip", action="append", default=[], choices=SECTIONS)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    seconds = args.booking_seconds or BOOKING_SECONDS.get(args.preset, 10)
    django.setup()
    from django.db import connections

    from bench import booking, gpconnect, reports, search, storm, write_back
    from bench.data import hub_receptionists

    rng = random.Random(args.seed)
    hubs = hub_receptionists()
    sample_hubs = [rng.choice(sorted(hubs)) for _ in range(min(20, 4 * len(hubs)))]
    samples = [(hub, hubs[hub][0][0]) for hub in sample_hubs]
    results: dict = {
        "preset": args.preset,
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": machine(),
        "durable_commits": os.environ.get("BENCH_DURABLE", "1") != "0",
        "note": "Load generator, gunicorn and PostgreSQL share the machine's cores.",
    }
    print(f"Measuring the {args.preset} preset on {results['machine']['nproc']} cores")

    print("  search: raw SQL and the selector in-process ...")
    raw = search.measure_raw_sql(samples, args.search_requests, args.whole_requests)
    results["machine"]["postgresql"] = raw.pop("pg_version")
    RESULTS.mkdir(parents=True, exist_ok=True)
    explain = RESULTS / f"explain-{args.preset}.txt"
    explain.write_text(
        f"-- First page of a hub's 14-day search\n{raw['sql']}\n\n{raw.pop('plan_first')}\n\n"
        f"-- The whole 14-day result (no LIMIT)\n{raw.pop('plan_whole')}\n"
    )
    results["search_sql"] = raw
    results["search_selector"] = search.measure_selector(samples, args.search_requests)
    connections.close_all()
    if "api" not in args.skip:
        print(f"  search: through the API under gunicorn ({args.workers} workers) ...")
        results["search_api"] = search.measure_api(
            [hubs[hub][0][1] for hub in sample_hubs],
            args.search_requests,
            args.whole_requests,
            args.workers,
        )
    if "booking" not in args.skip:
        print(f"  booking: {' and '.join(map(str, args.booking_clients))} clients, "
              f"{seconds:g} s beside the floor for {seconds:g} s, each ...")  # fmt: skip
        results["booking"] = booking.measure(args.booking_clients, seconds, rng, args.booking_hubs)
    if "storm" not in args.skip:
        print("  storm: 1,000 concurrent attempts on 10 slots ...")
        results["storm"] = storm.measure(rng)
    if "gpconnect" not in args.skip:
        print("  GP Connect: the hub endpoint's slot search and booking under gunicorn ...")
        connections.close_all()
        results["gpconnect"] = gpconnect.measure(
            sorted(set(sample_hubs))[:5],
            rng,
            searches=args.gpconnect_searches,
            bookings=args.gpconnect_bookings,
            workers=args.workers,
        )
    if "reports" not in args.skip:
        print("  reports: the summary tables recounted, then five hubs' report pages ...")
        results["reports"] = reports.measure(hubs, rng, requests=30)
    if "write-back" not in args.skip:
        print("  write-back: to the GP Connect sandbox (+50 ms) through Redis and Celery ...")
        connections.close_all()
        results["write_back"] = write_back.measure(
            workers=args.write_back_workers, threads=args.write_back_threads
        )

    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = report.targets(results)
    stamp = results["when"].replace(":", "").replace("-", "")
    path = RESULTS / f"{args.preset}-{stamp}.json"
    for written in (path, RESULTS / f"latest-{args.preset}.json"):
        written.write_text(json.dumps(results, indent=2, default=str))
    print(report.table(results))
    print(f"\nJSON: {os.path.relpath(path, ROOT)}    EXPLAIN: {os.path.relpath(explain, ROOT)}")
    return results


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        # Other work on the machine skews every figure: the load when the run started.
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    main(sys.argv[1:])
