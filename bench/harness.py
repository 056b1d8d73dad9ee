"""Measure Hub Diary on generated data: pooled search, booking throughput, a booking storm.

In one run, against the database in DATABASE_URL (loaded by bench.generate):

(a) hub free-slot search through the API under gunicorn (first page of 50, and the whole
    14-day result following cursors), beside the same query as raw SQL through psycopg
    and beside a trivial authenticated API endpoint: the database's and the framework's
    floors;
(b) sustained booking throughput through booking.services.bookings.book_slot, from
    concurrent client processes each with its own connection;
(c) a storm of 1,000 concurrent attempts on 10 slots, which must give exactly 10 bookings;
(d) write-back (bench/write_back.py): from a booking to "confirmed in the practice system"
    against the GP Connect sandbox with 50 ms latency, through Redis and a Celery worker.

It prints a table and writes JSON to bench/results/. The load generator runs on the same
two cores as the server and PostgreSQL, so every figure includes that competition.
"""

import argparse
import datetime
import http.client
import json
import multiprocessing
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WINDOW = datetime.timedelta(days=14)
# Leave clear of the release rules' cut-offs (an hour at most) while the run lasts.
MARGIN = datetime.timedelta(hours=3)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "mean_ms": round(statistics.fmean(ms), 3) if ms else None,
    }


# Data the measurements start from ------------------------------------------------------------


def hub_receptionists() -> dict[int, list[tuple[int, str]]]:
    """Hub id -> [(user id, API token key)] of its receptionists."""
    from rest_framework.authtoken.models import Token

    from practices.models import Membership
    from practices.roles import Role

    hubs: dict[int, list[tuple[int, str]]] = {}
    tokens = dict(Token.objects.values_list("user_id", "key"))
    for user_id, hub_id in (
        Membership.objects.filter(role=Role.HUB_RECEPTIONIST)
        .order_by("organisation_id", "user_id")
        .values_list("user_id", "organisation_id")
    ):
        hubs.setdefault(hub_id, []).append((user_id, tokens.get(user_id, "")))
    return hubs


def actor_for(user_id: int, hub_id: int):
    from governance.audit import Actor
    from practices.models import Membership

    membership = Membership.objects.select_related("organisation", "user").get(
        user_id=user_id, organisation_id=hub_id
    )
    return Actor(user=membership.user, membership=membership, request_id="bench")


def bookable_slots(hub_id: int, limit: int, rng: random.Random) -> list[tuple[str, str]]:
    """(slot public id, NHS number) pairs, as an API request names them: free slots
    released to the hub now, each with a patient of the slot's practice, in random order."""
    from django.utils import timezone

    from booking.models import Slot
    from patients.models import Patient

    now = timezone.now()
    slots = list(
        Slot.objects.filter(
            status=Slot.Status.FREE,
            practice__hubs=hub_id,
            restricted=False,
            start__gt=now + MARGIN,
            hub_opens_at__lte=now,
            hub_closes_at__gt=now + MARGIN,
        )
        .exclude(session__rules__quota_per_session__isnull=False)
        .values_list("public_id", "practice_id")
    )
    rng.shuffle(slots)
    patients: dict[int, list[str]] = {}
    for nhs_number, practice_id in Patient.objects.filter(
        registered_practice__hubs=hub_id
    ).values_list("nhs_number", "registered_practice_id"):
        patients.setdefault(practice_id, []).append(nhs_number)
    return [(str(slot), rng.choice(patients[practice])) for slot, practice in slots[:limit]]


# (b) Sustained booking throughput ------------------------------------------------------------


def book_as_the_api_does(actor, slot_id: str, nhs_number: str):
    """What the booking API does once it has parsed a request: a new Actor (its permissions
    read afresh), the slot and the patient found as it finds them, then the booking."""
    from booking.selectors import get_slot_for_booking_or_404
    from booking.services.bookings import book_slot
    from governance.audit import Actor
    from patients.selectors import patient_with_nhs_number

    by = Actor(user=actor.user, membership=actor.membership, request_id="bench")
    slot = get_slot_for_booking_or_404(actor=by, public_id=slot_id)
    patient = patient_with_nhs_number(nhs_number)
    return book_slot(by=by, slot=slot, patient=patient, description="Bench booking")


def _booking_client(job: dict) -> dict:
    """One client process: book its own slots as fast as it can until the deadline."""
    django.setup()
    from booking.errors import SlotNotBookable, SlotTaken

    actor = actor_for(job["user_id"], job["hub_id"])
    outcomes: Counter = Counter()
    latencies = []
    while time.time() < job["start_at"]:
        time.sleep(0.001)
    deadline = job["start_at"] + job["seconds"]
    cpu_started = time.process_time()
    for slot_id, nhs_number in job["work"]:
        if time.time() >= deadline:
            break
        began = time.perf_counter()
        try:
            book_as_the_api_does(actor, slot_id, nhs_number)
            outcomes["booked"] += 1
        except (SlotTaken, SlotNotBookable) as error:
            outcomes[f"refused: {type(error).__name__}"] += 1
        except Exception as error:  # anything else would be a 5xx
            outcomes[f"error: {type(error).__name__}: {error}"] += 1
        latencies.append(time.perf_counter() - began)
    else:
        outcomes["ran out of slots"] += 1
    return {
        "outcomes": dict(outcomes),
        "latencies": latencies,
        "ended": time.time(),
        "cpu_seconds": time.process_time() - cpu_started,
    }


CLIENT_RATE_CEILING = 500  # bookings a second: more than one client process manages


def measure_booking(seconds: float, clients: int, rng: random.Random) -> dict:
    from django.db import connections

    hubs = hub_receptionists()
    hub_ids = sorted(hubs)
    per_hub_clients = Counter(hub_ids[i % len(hub_ids)] for i in range(clients))
    # Enough for each client to book far faster than it can: running out would end the run.
    supply = {
        hub: bookable_slots(hub, limit=n * (CLIENT_RATE_CEILING * int(seconds) + 500), rng=rng)
        for hub, n in per_hub_clients.items()
    }
    jobs = []
    start_at = time.time() + 8  # time for the clients to start Django
    for i in range(clients):
        hub = hub_ids[i % len(hub_ids)]
        share = per_hub_clients[hub]
        k = i // len(hub_ids)
        users = hubs[hub]
        jobs.append(
            {
                "hub_id": hub,
                "user_id": users[k % len(users)][0],
                "work": supply[hub][k::share],
                "start_at": start_at,
                "seconds": seconds,
            }
        )
    connections.close_all()
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        results = pool.map(_booking_client, jobs)
    outcomes: Counter = Counter()
    latencies: list[float] = []
    for result in results:
        outcomes.update(result["outcomes"])
        latencies.extend(result["latencies"])
    elapsed = max(r["ended"] for r in results) - start_at
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "bookings": outcomes["booked"],
        "bookings_per_s": round(outcomes["booked"] / elapsed, 1),
        "latency": summary_ms(latencies),
        # The clients' own CPU (Django, the ORM, the services) per booking: with durable
        # commits on or off the rate barely moves, so CPU, not the disk, is what binds.
        "client_cpu_ms_per_booking": round(
            1000 * sum(r["cpu_seconds"] for r in results) / max(1, outcomes["booked"]), 2
        ),
        "outcomes": dict(outcomes),
    }


# (c) The storm -------------------------------------------------------------------------------


def _storm_client(job: dict) -> dict:
    """One process of the storm: `threads` threads, each with its own connection."""
    django.setup()
    from django.db import connection

    from booking.errors import SlotNotBookable, SlotTaken
    from booking.models import Slot
    from booking.services.bookings import book_slot
    from governance.audit import Actor
    from patients.models import Patient

    actors = [actor_for(user_id, job["hub_id"]) for user_id in job["user_ids"]]
    slots = list(Slot.objects.filter(public_id__in=job["slot_ids"]))
    patients = list(Patient.objects.filter(nhs_number__in=job["nhs_numbers"]))
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def attempts(seed: int) -> None:
        rng = random.Random(seed)
        actor = actors[seed % len(actors)]
        try:
            while time.time() < job["start_at"]:
                time.sleep(0.001)
            for _ in range(job["attempts_per_thread"]):
                try:
                    by = Actor(user=actor.user, membership=actor.membership, request_id="bench")
                    book_slot(by=by, slot=rng.choice(slots), patient=rng.choice(patients))
                    outcome = "booked"
                except (SlotTaken, SlotNotBookable):
                    outcome = "taken"
                except Exception as error:  # anything else would be a 5xx
                    outcome = f"error: {type(error).__name__}: {error}"
                with lock:
                    outcomes[outcome] += 1
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempts, args=(job["seed"] * 1000 + t,))
        for t in range(job["threads"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return dict(outcomes)


def measure_storm(
    rng: random.Random, attempts: int = 1_000, processes: int = 4, threads: int = 10
) -> dict:
    from django.db import connections

    from booking.models import Booking

    hubs = hub_receptionists()
    hub = sorted(hubs)[-1]
    pairs = bookable_slots(hub, limit=10, rng=rng)
    slot_ids = [slot for slot, _ in pairs]
    nhs_numbers = [patient for _, patient in pairs]
    per_thread = attempts // (processes * threads)
    start_at = time.time() + 8
    jobs = [
        {
            "hub_id": hub,
            "user_ids": [user for user, _ in hubs[hub]],
            "slot_ids": slot_ids,
            "nhs_numbers": nhs_numbers,
            "threads": threads,
            "attempts_per_thread": per_thread,
            "start_at": start_at,
            "seed": p,
        }
        for p in range(processes)
    ]
    connections.close_all()
    began = time.time()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.map(_storm_client, jobs)
    outcomes: Counter = Counter()
    for result in results:
        outcomes.update(result)
    live = (
        Booking.objects.filter(slot__public_id__in=slot_ids)
        .exclude(status=Booking.Status.CANCELLED)
        .values_list("slot_id", flat=True)
    )
    live = list(live)
    return {
        "attempts": sum(outcomes.values()),
        "concurrent_clients": processes * threads,
        "slots": len(slot_ids),
        "bookings": outcomes["booked"],
        "live_bookings_in_db": len(live),
        "distinct_slots_booked": len(set(live)),
        "outcomes": dict(outcomes),
        "seconds": round(time.time() - max(began, start_at), 2),
        "ok": outcomes["booked"] == 10 == len(set(live)) == len(live)
        and set(outcomes) <= {"booked", "taken"},
    }


# (a) Search: raw SQL -------------------------------------------------------------------------


def search_sql_for(hub_id: int, user_id: int) -> str:
    """The SQL the selector runs for a hub's first page, parameters inlined, captured from
    the queryset as it executes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from booking.selectors import free_slots_for

    actor = actor_for(user_id, hub_id)
    now = timezone.now()
    # The API asks for one more than its page of 50, to know whether there is a next page.
    with CaptureQueriesContext(connection) as captured:
        free_slots_for(actor=actor, start=now, end=now + WINDOW, limit=51)
    slot_queries = [
        q["sql"] for q in captured.captured_queries if re.search(r'FROM "?booking_slot\b', q["sql"])
    ]
    if len(slot_queries) != 1:
        raise RuntimeError(f"Expected one slot query, saw {len(slot_queries)}")
    return slot_queries[0]


def without_limit(sql: str) -> str:
    """The same query for the whole window: every LIMIT dropped."""
    return re.sub(r" LIMIT \d+", "", sql)


def measure_raw_sql(samples: list[tuple[int, int]], requests: int, whole: int) -> dict:
    import psycopg

    sqls = [search_sql_for(hub, user) for hub, user in samples]
    first, everything = [], []
    rows_whole = []
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        for sql in sqls[:3]:  # warm the cache as the API run will have
            conn.execute(sql).fetchall()
        for i in range(requests):
            sql = sqls[i % len(sqls)]
            began = time.perf_counter()
            conn.execute(sql).fetchall()
            first.append(time.perf_counter() - began)
        for i in range(whole):
            sql = without_limit(sqls[i % len(sqls)])
            began = time.perf_counter()
            rows = conn.execute(sql).fetchall()
            everything.append(time.perf_counter() - began)
            rows_whole.append(len(rows))
        plan_first = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sqls[0]).fetchall()
        plan_whole = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + without_limit(sqls[0])).fetchall()
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "first_page": summary_ms(first),
        "whole_result": {**summary_ms(everything), "rows_p50": percentile(rows_whole, 50)},
        "sql": sqls[0],
        "plan_first": "\n".join(row[0] for row in plan_first),
        "plan_whole": "\n".join(row[0] for row in plan_whole),
        "pg_version": pg_version,
    }


def measure_selector(samples: list[tuple[int, int]], requests: int) -> dict:
    """The selector in-process through the ORM (no HTTP): what Django adds to the SQL."""
    from django.utils import timezone

    from booking.selectors import free_slots_for

    actors = [actor_for(user, hub) for hub, user in samples]
    times = []
    for i in range(requests):
        now = timezone.now()
        began = time.perf_counter()
        free_slots_for(actor=actors[i % len(actors)], start=now, end=now + WINDOW, limit=51)
        times.append(time.perf_counter() - began)
    return summary_ms(times)


# (a) Search: through the API under gunicorn ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving the app on 127.0.0.1, DEBUG off, persistent database connections as
    in production."""

    def __init__(self, workers: int = 3, threads: int = 2) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "HUBDIARY_ENV": "development",
            "DEBUG": "0",
            "DATABASE_CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
        }
        self.process = subprocess.Popen(  # noqa: S603 (our own virtualenv's gunicorn)
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        self.workers, self.threads = workers, threads
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Client:
    """A keep-alive HTTP client with a token."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str) -> tuple[int, dict]:
        for attempt in range(2):
            try:
                self.conn.request(
                    "GET",
                    path,
                    headers={"Authorization": f"Token {self.token}", "Accept": "application/json"},
                )
                response = self.conn.getresponse()
                body = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        return response.status, json.loads(body) if body else {}


def measure_api(port: int, samples: list[tuple[int, str]], requests: int, whole: int) -> dict:
    from bench import api

    clients = [Client(port, token) for _, token in samples]
    for client in clients[:3]:  # warm each worker's connection and caches
        for _ in range(3):
            api.first_page(client)
            api.trivial(client)
    trivial, first, everything, pages = [], [], [], []
    statuses: Counter = Counter()
    for i in range(requests):
        client = clients[i % len(clients)]
        began = time.perf_counter()
        statuses[api.trivial(client)] += 1
        trivial.append(time.perf_counter() - began)
        began = time.perf_counter()
        status, _ = api.first_page(client)
        first.append(time.perf_counter() - began)
        statuses[status] += 1
    for i in range(whole):
        client = clients[i % len(clients)]
        began = time.perf_counter()
        _, n_pages = api.whole_result(client)
        everything.append(time.perf_counter() - began)
        pages.append(n_pages)
    return {
        "trivial": summary_ms(trivial),
        "first_page": summary_ms(first),
        "whole_result": {**summary_ms(everything), "pages_p50": percentile(pages, 50)},
        "statuses": {str(k): v for k, v in statuses.items()},
    }


# The run -------------------------------------------------------------------------------------


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


def main(argv: list[str] | None = None, *, preset: str | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", default=preset or "unknown", help="label for the results")
    parser.add_argument("--search-requests", type=int, default=300)
    parser.add_argument("--whole-requests", type=int, default=10)
    parser.add_argument("--booking-seconds", type=float, default=20)
    parser.add_argument("--booking-clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["api", "booking", "storm", "write-back"],
    )
    parser.add_argument("--write-back-workers", type=int, default=4, help="Celery worker processes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    django.setup()
    from django.db import connections

    rng = random.Random(args.seed)
    hubs = hub_receptionists()
    hub_ids = sorted(hubs)
    sample_hubs = [rng.choice(hub_ids) for _ in range(min(20, 4 * len(hub_ids)))]
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
    raw = measure_raw_sql(samples, args.search_requests, args.whole_requests)
    results["machine"]["postgresql"] = raw.pop("pg_version")
    RESULTS.mkdir(parents=True, exist_ok=True)
    explain = RESULTS / f"explain-{args.preset}.txt"
    explain.write_text(
        f"-- First page of a hub's 14-day search\n{raw['sql']}\n\n{raw.pop('plan_first')}\n\n"
        f"-- The whole 14-day result (no LIMIT)\n{raw.pop('plan_whole')}\n"
    )
    results["search_sql"] = raw
    results["search_selector"] = measure_selector(samples, args.search_requests)
    connections.close_all()

    if "api" not in args.skip:
        print(f"  search: through the API under gunicorn ({args.workers} workers) ...")
        server = Server(workers=args.workers)
        try:
            api_samples = [(hub, hubs[hub][0][1]) for hub in sample_hubs]
            results["search_api"] = measure_api(
                server.port, api_samples, args.search_requests, args.whole_requests
            )
            results["search_api"]["server"] = f"gunicorn gthread {server.workers}x{server.threads}"
        finally:
            server.stop()

    if "booking" not in args.skip:
        print(f"  booking: {args.booking_clients} clients for {args.booking_seconds:g} s ...")
        results["booking"] = measure_booking(args.booking_seconds, args.booking_clients, rng)
    if "storm" not in args.skip:
        print("  storm: 1,000 concurrent attempts on 10 slots ...")
        results["storm"] = measure_storm(rng)
    if "write-back" not in args.skip:
        from bench import write_back

        print("  write-back: to the GP Connect sandbox (+50 ms) through Redis and Celery ...")
        connections.close_all()
        results["write_back"] = write_back.measure(workers=args.write_back_workers)

    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = targets(results)
    stamp = results["when"].replace(":", "").replace("-", "")
    path = RESULTS / f"{args.preset}-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, default=str))
    (RESULTS / f"latest-{args.preset}.json").write_text(json.dumps(results, indent=2, default=str))
    print(table(results))
    print(f"\nJSON: {path.relative_to(ROOT)}    EXPLAIN: {explain.relative_to(ROOT)}")
    return results


def targets(results: dict) -> dict:
    """DESIGN.md's numbers, met or not."""
    met: dict = {}
    api = results.get("search_api")
    if api:
        p95 = api["first_page"]["p95_ms"]
        floor = api["trivial"]["p50_ms"] + results["search_sql"]["first_page"]["p50_ms"]
        met["search_first_page_p95_le_20ms"] = {"value": p95, "met": p95 <= 20}
        met["search_first_page_p50_le_2x_floors"] = {
            "value": api["first_page"]["p50_ms"],
            "limit": round(2 * floor, 3),
            "met": api["first_page"]["p50_ms"] <= 2 * floor,
        }
    if "booking" in results:
        rate = results["booking"]["bookings_per_s"]
        met["booking_ge_300_per_s"] = {"value": rate, "met": rate >= 300}
    if "storm" in results:
        met["storm_exactly_10"] = {
            "value": results["storm"]["bookings"],
            "met": results["storm"]["ok"],
        }
    if "write_back" in results:
        paced = results["write_back"]["paced"]
        p95 = paced["booking_to_confirmed"]["p95_ms"]
        met["write_back_p95_le_2000ms"] = {"value": p95, "met": p95 <= 2000}
        phases = (paced, results["write_back"]["burst"])
        confirmed = sum(phase["states"].get("confirmed", 0) for phase in phases)
        booked = sum(phase["bookings"] for phase in phases)
        met["write_back_all_confirmed"] = {
            "value": f"{confirmed}/{booked}",
            "met": confirmed == booked,
        }
    return met


def table(results: dict) -> str:
    lines = [
        "",
        f"Hub Diary benchmarks — preset {results['preset']}, commit {results['commit']}, "
        f"{results['machine']['nproc']} cores, PostgreSQL {results['machine'].get('postgresql')}, "
        f"durable commits {'on' if results['durable_commits'] else 'off'}",
        "(the load generator competes with gunicorn and PostgreSQL for the same cores; "
        f"load average {results['machine']['load_average_at_start'][0]} at the start, "
        f"{results['machine']['load_average_at_end'][0]} at the end)",
        "",
        f"{'measure':<52}{'p50 ms':>10}{'p95 ms':>10}{'n':>7}",
    ]

    def row(name: str, s: dict, extra: str = "") -> None:
        lines.append(f"{name:<52}{s['p50_ms']:>10.2f}{s['p95_ms']:>10.2f}{s['n']:>7}  {extra}")

    sql = results["search_sql"]
    row("search, first page: raw SQL (psycopg)", sql["first_page"])
    row("search, first page: selector in-process (ORM)", results["search_selector"])
    if "search_api" in results:
        api = results["search_api"]
        row("trivial API endpoint (GET /api/v1/me/)", api["trivial"])
        row("search, first page of 50: API", api["first_page"])
        row("search, whole 14 days: raw SQL, one query", sql["whole_result"],
            f"{sql['whole_result']['rows_p50']:.0f} rows")  # fmt: skip
        row("search, whole 14 days: API following cursors", api["whole_result"],
            f"{api['whole_result']['pages_p50']:.0f} pages")  # fmt: skip
    else:
        row("search, whole 14 days: raw SQL, one query", sql["whole_result"])
    if "booking" in results:
        b = results["booking"]
        lines.append("")
        lines.append(
            f"booking: {b['bookings_per_s']:.0f} bookings/s sustained ({b['bookings']} in "
            f"{b['seconds']} s, {b['clients']} client processes); per booking p50 "
            f"{b['latency']['p50_ms']:.1f} ms, p95 {b['latency']['p95_ms']:.1f} ms; client CPU "
            f"{b['client_cpu_ms_per_booking']:.1f} ms per booking; {b['outcomes']}"
        )
    if "storm" in results:
        s = results["storm"]
        lines.append(
            f"storm: {s['attempts']} attempts from {s['concurrent_clients']} clients on "
            f"{s['slots']} slots -> {s['bookings']} booked, {s['live_bookings_in_db']} live in "
            f"the database ({'ok' if s['ok'] else 'WRONG'}) in {s['seconds']} s; {s['outcomes']}"
        )
    if "write_back" in results:
        w = results["write_back"]
        paced, burst = w["paced"], w["burst"]
        paced_ms, burst_ms = paced["booking_to_confirmed"], burst["booking_to_confirmed"]
        lines += [
            f"write-back, booking to confirmed in the practice system (sandbox "
            f"+{w['sandbox_latency_ms']} ms, {w['celery_worker_processes']} Celery processes):",
            f"  paced: {paced['bookings']} at {paced['rate_per_s']:g}/s, p50 "
            f"{paced_ms['p50_ms']} ms, p95 {paced_ms['p95_ms']} ms; {paced['states']}",
            f"  burst: {burst['bookings']} booked at {burst['booked_per_s']:g}/s, confirmed at "
            f"{burst['confirmed_per_s']:g}/s, p50 {burst_ms['p50_ms']} ms, p95 "
            f"{burst_ms['p95_ms']} ms; {burst['states']}",
        ]
    lines.append("")
    lines.append("targets (DESIGN.md):")
    for name, verdict in results["targets"].items():
        limit = f" (limit {verdict['limit']})" if "limit" in verdict else ""
        lines.append(
            f"  {name:<40} {verdict['value']}{limit}  {'met' if verdict['met'] else 'MISSED'}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main(sys.argv[1:])
