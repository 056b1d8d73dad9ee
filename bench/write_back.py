"""Write-back throughput and latency: from a booking in the hub to "confirmed in the practice
system", against the GP Connect sandbox with 50 ms added to every call, a real Celery worker
and Redis. `make bench` runs it after the other measurements (bench/harness.py); on its own:

    bench/services.sh .venv/bin/python -m bench.write_back [--latency-ms 50] [--workers 4]

Two phases. Paced: bookings arrive at a steady rate (as receptionists make them) and each
one's time from commit to confirmation is measured, for p50 and p95 (DESIGN.md asks p95
<= 2 s). Burst: a batch is booked as fast as possible, and the deliveries a second the
worker sustains are measured. Each delivery is three or four GP Connect calls (find the
patient, register them if the practice does not know them, find the slot, book).
"""

import argparse
import datetime
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def wait_for(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise SystemExit(f"Gave up waiting for {what}")


def start(command: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    with open(log, "w") as out:
        return subprocess.Popen(  # noqa: S603 - our own commands, no shell
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def build_world(sandbox_url: str, practices: int):
    """A hub and `practices` member practices linked to the sandbox, their slots imported."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from governance.models import Scope, SharingAgreement
    from practices.models import ClinicalSystemLink, Organisation, Site
    from practices.roles import Role
    from practices.services import grant_membership
    from writeback.slot_import import import_practice_slots

    tag = f"{random.randrange(10**4):04d}"
    today = timezone.localdate()
    hub = Organisation.objects.create(
        ods_code=f"UWB{tag}", name=f"Write-back bench hub {tag}", kind="hub"
    )
    user = get_user_model().objects.create_user(username=f"wb-bench-{tag}", password=None)
    membership = grant_membership(by=None, user=user, organisation=hub, role=Role.HUB_RECEPTIONIST)
    linked = []
    for number in range(practices):
        practice = Organisation.objects.create(
            ods_code=f"W{tag}{number}", name=f"Bench practice {tag}-{number}", kind="gp-practice"
        )
        hub.member_practices.add(practice)
        Site.objects.create(
            organisation=practice,
            name="Main surgery",
            address_line_1="1 High Street",
            town="Leeds",
            postcode="LS1 4AP",
        )
        SharingAgreement.objects.create(
            practice=practice,
            partner=hub,
            scope=Scope.BOOKING,
            status=SharingAgreement.Status.ACTIVE,
            starts_on=today - datetime.timedelta(days=1),
            ends_on=today + datetime.timedelta(days=365),
            proposed_by=user,
            proposed_by_organisation=practice,
            decided_by=user,
            decided_at=timezone.now(),
        )
        link = ClinicalSystemLink.objects.create(
            practice=practice,
            base_url=sandbox_url,
            enabled=True,
            switched_by=user,
            switched_at=timezone.now(),
        )
        import_practice_slots(link=link)
        linked.append(practice)
    return membership, linked


def free_imported_slots(practices) -> list:
    from django.utils import timezone

    from booking.models import Slot

    return list(
        Slot.objects.filter(
            practice__in=practices,
            status=Slot.Status.FREE,
            start__gt=timezone.now() + datetime.timedelta(hours=2),
        )
        .exclude(external_id="")
        .select_related("practice")
        .order_by("?")
    )


def book(membership, slot):
    from booking.services.bookings import book_slot
    from governance.audit import Actor
    from patients.models import Patient
    from patients.nhs_number import check_digit

    serial = random.randrange(10**6)
    first_nine = f"999{serial:06d}"
    digit = check_digit(first_nine)
    while digit is None:
        serial = random.randrange(10**6)
        first_nine = f"999{serial:06d}"
        digit = check_digit(first_nine)
    patient, _ = Patient.objects.get_or_create(
        nhs_number=first_nine + str(digit),
        defaults={
            "given_name": "Bench",
            "family_name": f"Patient{serial}",
            "date_of_birth": datetime.date(1960, 1, 1),
            "gender": "female",
            "registered_practice": slot.practice,
        },
    )
    actor = Actor(user=membership.user, membership=membership, request_id="bench")
    return book_slot(by=actor, slot=slot, patient=patient, description="Bench review")


def settle(booking_ids: list[int], timeout: float) -> None:
    from writeback.models import WriteBackMessage

    open_states = WriteBackMessage.OPEN_STATES
    wait_for(
        lambda: (
            not WriteBackMessage.objects.filter(
                booking_id__in=booking_ids, state__in=open_states
            ).exists()
        ),
        timeout,
        "every write-back to be confirmed",
    )


def latencies(booking_ids: list[int]) -> tuple[list[float], dict]:
    from collections import Counter

    from writeback.models import WriteBackMessage

    rows = WriteBackMessage.objects.filter(booking_id__in=booking_ids).values_list(
        "state", "booking__created_at", "confirmed_at"
    )
    states = Counter(state for state, _, _ in rows)
    seconds = [
        (delivered - created).total_seconds() for state, created, delivered in rows if delivered
    ]
    return seconds, dict(states)


def summary(seconds: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(seconds) * 1000),
        "p95_ms": round(percentile(seconds, 0.95) * 1000),
        "max_ms": round(max(seconds) * 1000),
    }


def measure(
    *,
    latency_ms: int = 50,
    workers: int = 4,
    practices: int = 4,
    paced: int = 100,
    rate: float = 5.0,
    burst: int = 300,
) -> dict:
    """Start the sandbox and a Celery worker, book, and measure; Django must be set up and
    migrated, and CELERY_BROKER_URL point at a Redis."""
    work = Path(tempfile.mkdtemp(prefix="hubdiary-wb-bench-"))
    port = free_port()
    sandbox = start(
        [
            sys.executable,
            "-m",
            "gpconnect.sandbox",
            "--port",
            str(port),
            "--db",
            str(work / "sandbox.sqlite3"),
            "--latency-ms",
            str(latency_ms),
            "--quiet",
        ],
        work / "sandbox.log",
    )
    sandbox_url = f"http://127.0.0.1:{port}"

    def sandbox_up() -> bool:
        try:
            with urllib.request.urlopen(sandbox_url + "/_health", timeout=1):  # noqa: S310
                return True
        except OSError:
            return False

    worker = None
    try:
        wait_for(sandbox_up, 30, "the sandbox")
        membership, linked = build_world(sandbox_url, practices)
        slots = free_imported_slots(linked)
        needed = paced + burst
        if len(slots) < needed:
            raise SystemExit(f"Only {len(slots)} free slots for {needed} bookings")
        worker_log = work / "worker.log"
        worker = start(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(workers),
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            worker_log,
            env={**os.environ, "LOG_LEVEL": "WARNING"},
        )
        wait_for(lambda: " ready." in worker_log.read_text(errors="replace"), 60, "the worker")

        paced_ids = []
        began = time.monotonic()
        for number in range(paced):
            paced_ids.append(book(membership, slots.pop()).pk)
            pause = began + (number + 1) / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        settle(paced_ids, timeout=300)
        paced_seconds, paced_states = latencies(paced_ids)

        burst_ids = []
        began = time.monotonic()
        for _ in range(burst):
            burst_ids.append(book(membership, slots.pop()).pk)
        booked_in = time.monotonic() - began
        settle(burst_ids, timeout=600)
        burst_seconds, burst_states = latencies(burst_ids)
        from booking.models import Booking
        from writeback.models import WriteBackMessage

        first = Booking.objects.filter(pk__in=burst_ids).order_by("created_at").first().created_at
        last = (
            WriteBackMessage.objects.filter(booking_id__in=burst_ids)
            .order_by("-confirmed_at")
            .first()
            .confirmed_at
        )
        span = (last - first).total_seconds()
        return {
            "sandbox_latency_ms": latency_ms,
            "celery_worker_processes": workers,
            "paced": {
                "bookings": paced,
                "rate_per_s": rate,
                "states": paced_states,
                "booking_to_confirmed": summary(paced_seconds),
            },
            "burst": {
                "bookings": burst,
                "booked_per_s": round(burst / booked_in, 1),
                "states": burst_states,
                "confirmed_per_s": round(burst / span, 1),
                "booking_to_confirmed": summary(burst_seconds),
            },
        }
    finally:
        if worker is not None:
            stop(worker)
        stop(sandbox)


def main(argv: list[str]) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4, help="Celery worker processes")
    parser.add_argument("--practices", type=int, default=4)
    parser.add_argument("--paced", type=int, default=100, help="Bookings in the paced phase")
    parser.add_argument("--rate", type=float, default=5.0, help="Paced bookings a second")
    parser.add_argument("--burst", type=int, default=300, help="Bookings in the burst phase")
    parser.add_argument("--output", help="Write the figures to this JSON file too")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    figures = measure(
        latency_ms=args.latency_ms,
        workers=args.workers,
        practices=args.practices,
        paced=args.paced,
        rate=args.rate,
        burst=args.burst,
    )
    print(json.dumps(figures, indent=2))
    if args.output:
        Path(args.output).write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
