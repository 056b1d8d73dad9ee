"""Proof on one machine that Hub Diary scales out: two gunicorn web nodes, two Celery worker
nodes and two beats (one too many, on purpose) against one PostgreSQL and one Redis, with
the GP Connect sandbox as the practices' systems. `make scale` runs the long version and
measures bookings a second through one and through two web nodes; `make test` runs the
short one (tests/bench/test_scale.py).

    bench/services.sh .venv/bin/python -m bench.scale [--short] [--output figures.json]

What it shows, each from the database and the sandbox's own book, never from what a
process said it did:

- a booking storm spread over both web nodes (the REST API, token auth) books each slot
  exactly once;
- a worker node killed (SIGKILL) while both nodes deliver write-back loses and duplicates
  nothing: every live booking is in its practice's book exactly once;
- a web node killed (SIGKILL) in a burst of bookings leaves no half-booking: every live
  booking has its slot booked, its audit event and its outbox message, and no slot is
  booked without a live booking;
- two beats both sending the reminder job every second send each patient's reminder once,
  and no message twice.
"""

import datetime
import http.client
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass

from bench.processes import wait_for
from bench.scale.nodes import Deployment, Sandbox

BOOKINGS = "/api/v1/bookings/create/"


@dataclass(frozen=True)
class World:
    token: str
    practices: list
    slots: list  # free slots at the practices, each with a patient of its own
    nhs_numbers: dict  # slot public id -> the NHS number of the patient to book into it


def build_world(sandbox_url: str, practices: int) -> World:
    """A hub whose practices are linked to the sandbox with their slots imported, an API
    token for its receptionist, and a patient (with an email address) for each slot."""
    from rest_framework.authtoken.models import Token

    from bench.write_back.world import build_world as linked_hub
    from bench.write_back.world import free_imported_slots
    from patients.models import Patient
    from patients.nhs_number import check_digit

    membership, linked = linked_hub(sandbox_url, practices)
    token = Token.objects.create(user=membership.user).key
    slots = free_imported_slots(linked)
    serials = random.sample(range(10**6), len(slots) * 2)
    patients, nhs_numbers = [], {}
    for slot in slots:
        while check_digit(f"998{serials[-1]:06d}") is None:
            serials.pop()
        serial = serials.pop()
        number = f"998{serial:06d}{check_digit(f'998{serial:06d}')}"
        patients.append(
            Patient(
                nhs_number=number,
                given_name="Scale",
                family_name=f"Patient{serial}",
                date_of_birth=datetime.date(1970, 1, 1),
                gender="female",
                email=f"scale.{serial}@example.com",
                registered_practice=slot.practice,
            )
        )
        nhs_numbers[str(slot.public_id)] = number
    Patient.objects.bulk_create(patients)
    return World(token=token, practices=linked, slots=slots, nhs_numbers=nhs_numbers)


class ApiClient:
    """One keep-alive connection to one web node, booking with the receptionist's token."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def book(self, slot_id: str, nhs_number: str) -> str:
        """The answer's status code, or "cut off" if the node never answered."""
        body = json.dumps(
            {"slot_id": slot_id, "nhs_number": nhs_number, "description": "Scale proof"}
        )
        try:
            self.connection.request(
                "POST",
                BOOKINGS,
                body=body,
                headers={
                    "Authorization": f"Token {self.token}",
                    "Content-Type": "application/json",
                },
            )
            response = self.connection.getresponse()
            response.read()
            return str(response.status)
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return "cut off"

    def close(self) -> None:
        self.connection.close()


def _in_threads(count: int, work) -> float:
    """Run work(n) in `count` threads started together; the seconds until all are done."""
    barrier = threading.Barrier(count + 1)

    def run(number: int) -> None:
        barrier.wait()
        work(number)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    return time.monotonic() - began


# What each scenario shows ---------------------------------------------------------------------


def storm(world: World, ports: list[int], slots: list, *, threads: int, attempts: int) -> dict:
    """Every thread books random slots of `slots` through one web node (threads spread
    over `ports`), each slot always for its own patient: each slot must be booked once."""
    from booking.models import Booking

    outcomes: Counter = Counter()
    per_node: Counter = Counter()
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(number)
        port = ports[number % len(ports)]
        api = ApiClient(port, world.token)
        try:
            for _ in range(attempts):
                slot_id = str(rng.choice(slots).public_id)
                status = api.book(slot_id, world.nhs_numbers[slot_id])
                with lock:
                    outcomes[status] += 1
                    per_node[port] += 1
        finally:
            api.close()

    seconds = _in_threads(threads, client)
    live = Counter(
        Booking.objects.filter(slot__in=slots, status=Booking.Status.BOOKED).values_list(
            "slot_id", flat=True
        )
    )
    return {
        "slots": len(slots),
        "attempts": sum(outcomes.values()),
        "answers": dict(outcomes),
        "requests_per_node": sorted(per_node.values()),
        "slots_booked_once": sum(1 for count in live.values() if count == 1),
        "slots_booked_more_than_once": sum(1 for count in live.values() if count > 1),
        "seconds": round(seconds, 2),
    }


def bookings_per_second(world: World, ports: list[int], slots: list, *, threads: int) -> dict:
    """Each thread books its own share of `slots` (no contention) through one of `ports`."""
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def client(number: int) -> None:
        api = ApiClient(ports[number % len(ports)], world.token)
        try:
            for slot in slots[number::threads]:
                status = api.book(str(slot.public_id), world.nhs_numbers[str(slot.public_id)])
                with lock:
                    outcomes[status] += 1
        finally:
            api.close()

    seconds = _in_threads(threads, client)
    return {
        "web_nodes": len(ports),
        "clients": threads,
        "booked": outcomes["201"],
        "answers": dict(outcomes),
        "seconds": round(seconds, 2),
        "bookings_per_s": round(outcomes["201"] / seconds, 1),
    }


def _delivering() -> int:
    from writeback.models import WriteBackMessage

    return WriteBackMessage.objects.filter(state=WriteBackMessage.State.DELIVERING).count()


def settle(timeout: float) -> None:
    from writeback.models import WriteBackMessage

    wait_for(
        lambda: (
            not WriteBackMessage.objects.filter(state__in=WriteBackMessage.OPEN_STATES).exists()
        ),
        timeout,
        "every write-back to be delivered",
    )


def kill_a_worker_mid_delivery(
    world: World, deployment: Deployment, sandbox: Sandbox, ports: list[int], slots: list
) -> dict:
    """Slow the practices' systems, book, and SIGKILL one worker node once more deliveries
    are in flight than one node runs at once (so both nodes are mid-delivery)."""
    from writeback.models import WriteBackMessage

    sandbox.latency(300)
    api = ApiClient(ports[0], world.token)
    answers = Counter(
        api.book(str(slot.public_id), world.nhs_numbers[str(slot.public_id)]) for slot in slots
    )
    api.close()
    one_node = deployment.worker_concurrency
    wait_for(lambda: _delivering() > one_node, 60, "both worker nodes to be delivering")
    in_flight = _delivering()
    deployment.kill_worker("worker-1")
    sandbox.latency(0)
    settle(timeout=120)
    deployment.start_worker("worker-1")
    return {
        "answers": dict(answers),
        "deliveries_in_flight_at_the_kill": in_flight,
        "deliveries_cut_off_and_sent_again": WriteBackMessage.objects.filter(
            booking__slot__in=slots, attempts__gt=1
        ).count(),
    }


def kill_a_web_node_mid_burst(
    world: World, deployment: Deployment, ports: list[int], slots: list, *, threads: int
) -> dict:
    """A burst of bookings over both web nodes; SIGKILL the first node once it has booked a
    few, with requests in flight on it."""
    outcomes: Counter = Counter()
    lock = threading.Lock()
    killed = threading.Event()

    def client(number: int) -> None:
        port = ports[number % len(ports)]
        api = ApiClient(port, world.token)
        try:
            for slot in slots[number::threads]:
                if killed.is_set() and port == ports[0]:
                    return
                status = api.book(str(slot.public_id), world.nhs_numbers[str(slot.public_id)])
                with lock:
                    outcomes[status] += 1
        finally:
            api.close()

    def killer() -> None:
        wait_for(lambda: outcomes["201"] >= threads, 60, "the burst to be under way")
        deployment.kill_web(0)
        killed.set()

    assassin = threading.Thread(target=killer)
    assassin.start()
    _in_threads(threads, client)
    assassin.join()
    return {"answers": dict(outcomes), "requests_cut_off": outcomes["cut off"]}


def half_bookings(practices: list) -> dict:
    """Anything a booking transaction cut short would leave: a live booking whose slot is not
    booked, or with no audit event or no outbox message; a booked slot with no live booking."""
    from booking.models import Booking, Slot
    from governance.actions import Action
    from governance.models import AuditEvent
    from writeback.models import WriteBackMessage

    live = Booking.objects.filter(slot__practice__in=practices, status=Booking.Status.BOOKED)
    audited = set(
        AuditEvent.objects.filter(
            action=Action.BOOKING_CREATE, outcome=AuditEvent.Outcome.ALLOWED
        ).values_list("object_id", flat=True)
    )
    queued = set(
        WriteBackMessage.objects.filter(booking__in=live).values_list("booking_id", flat=True)
    )
    rows = list(live.values_list("pk", "public_id", "slot__status"))
    return {
        "live_bookings": len(rows),
        "slot_not_booked": sum(1 for _, _, status in rows if status != Slot.Status.BOOKED),
        "no_audit_event": sum(1 for _, public_id, _ in rows if str(public_id) not in audited),
        "no_outbox_message": sum(1 for pk, _, _ in rows if pk not in queued),
        "booked_slot_without_booking": Slot.objects.filter(
            practice__in=practices, status=Slot.Status.BOOKED
        )
        .exclude(bookings__status=Booking.Status.BOOKED)
        .count(),
    }


def write_back_against_the_books(world: World, sandbox: Sandbox) -> dict:
    """Every live booking in its practice's book exactly once, and nothing else there."""
    from booking.models import Booking

    settle(timeout=120)
    lost = duplicated = strays = 0
    for practice in world.practices:
        there = Counter(sandbox.booked_references(practice.ods_code))
        ours = {
            str(public_id)
            for public_id in Booking.objects.filter(
                slot__practice=practice, status=Booking.Status.BOOKED
            ).values_list("public_id", flat=True)
        }
        lost += sum(1 for reference in ours if there[reference] == 0)
        duplicated += sum(1 for reference in ours if there[reference] > 1)
        strays += sum(1 for reference in there if reference and reference not in ours)
    return {"lost": lost, "duplicated": duplicated, "in_the_book_but_not_live": strays}


def beats_twice(deployment: Deployment, bookings: int) -> dict:
    """Make `bookings` live bookings due their reminder (booked days ago, starting in six
    hours), let both beats send the reminder job several times, and count what was sent."""
    from django.db.models import F
    from django.utils import timezone

    from booking.models import Booking

    now = timezone.now()
    due = list(
        Booking.objects.filter(status=Booking.Status.BOOKED)
        .order_by("pk")
        .values_list("pk", flat=True)[:bookings]
    )
    Booking.objects.filter(pk__in=due).update(
        start=now + datetime.timedelta(hours=6),
        end=now + datetime.timedelta(hours=6) + (F("end") - F("start")),
        created_at=now - datetime.timedelta(days=3),
    )
    before = deployment.beats_sent("remind-patients")
    wait_for(
        lambda: not Booking.objects.filter(pk__in=due, reminder_sent_at__isnull=True).exists(),
        60,
        "every reminder to be sent",
    )
    # Then each beat sends the job three more times: nothing more may go out.
    wait_for(
        lambda: all(
            now_sent >= then + 3
            for now_sent, then in zip(deployment.beats_sent("remind-patients"), before, strict=True)
        ),
        60,
        "both beats to send the reminder job again",
    )
    time.sleep(1)  # the last job sent, run
    sent = Counter(message["reference"] for message in deployment.messages_sent())
    reminders = {
        str(public_id): sent[f"booking:{public_id}:reminder"]
        for public_id in Booking.objects.filter(pk__in=due).values_list("public_id", flat=True)
    }
    return {
        "beats": len(deployment.beats),
        "reminder_jobs_sent_by_each_beat": deployment.beats_sent("remind-patients"),
        "bookings_due_a_reminder": len(due),
        "reminded_once": sum(1 for count in reminders.values() if count == 1),
        "reminded_more_than_once": sum(1 for count in reminders.values() if count > 1),
        "messages_sent": sum(sent.values()),
        "messages_sent_more_than_once": sum(1 for count in sent.values() if count > 1),
    }


# The proof ----------------------------------------------------------------------------------

SHORT = {
    "practices": 2,
    "storm_slots": 12,
    "storm_threads": 8,
    "storm_attempts": 6,
    "worker_kill_slots": 16,
    "web_kill_slots": 48,
    "reminders": 6,
    "throughput": None,
}
LONG = {
    "practices": 8,
    "storm_slots": 40,
    "storm_threads": 24,
    "storm_attempts": 40,
    "worker_kill_slots": 40,
    "web_kill_slots": 160,
    "reminders": 30,
    "throughput": {"slots": 240, "threads": 12},
}


def prove(*, short: bool, log=print) -> dict:
    """Start the deployment, run each scenario and return what was found. Django must be set
    up and migrated, CELERY_BROKER_URL and CACHE_URL name one Redis."""
    from django.db import connections

    plan = SHORT if short else LONG
    found: dict = {"plan": "short" if short else "long"}
    with Deployment() as deployment:
        sandbox = Sandbox(deployment.work)
        try:
            log("Building a hub linked to the sandbox…")
            world = build_world(sandbox.url, plan["practices"])
            slots = list(world.slots)
            random.Random(17).shuffle(slots)

            def take(count: int) -> list:
                if len(slots) < count:
                    raise SystemExit(f"Only {len(slots)} free slots left for {count}")
                return [slots.pop() for _ in range(count)]

            connections.close_all()  # the nodes' connections, not ours, from here
            log("Starting two web nodes, two worker nodes and two beats…")
            deployment.start_web(2)
            deployment.start_worker("worker-1")
            deployment.start_worker("worker-2")
            deployment.start_beats(2)
            ports = deployment.web_ports

            if plan["throughput"]:
                size, threads = plan["throughput"]["slots"], plan["throughput"]["threads"]
                found["throughput"] = []
                for nodes in (1, 2, 1, 2):  # twice each, interleaved: the host's load varies
                    figures = bookings_per_second(world, ports[:nodes], take(size), threads=threads)
                    log(f"  {nodes} web node(s): {figures['bookings_per_s']} bookings a second")
                    found["throughput"].append(figures)
                settle(timeout=300)

            log("A booking storm over both web nodes…")
            found["storm"] = storm(
                world,
                ports,
                take(plan["storm_slots"]),
                threads=plan["storm_threads"],
                attempts=plan["storm_attempts"],
            )
            log("A worker node killed mid-delivery…")
            found["worker_killed"] = kill_a_worker_mid_delivery(
                world, deployment, sandbox, ports, take(plan["worker_kill_slots"])
            )
            log("A web node killed mid-burst…")
            found["web_node_killed"] = kill_a_web_node_mid_burst(
                world,
                deployment,
                ports,
                take(plan["web_kill_slots"]),
                threads=plan["storm_threads"],
            )
            found["half_bookings"] = half_bookings(world.practices)
            found["write_back"] = write_back_against_the_books(world, sandbox)
            log("Two beats sending reminders…")
            found["beats"] = beats_twice(deployment, plan["reminders"])
            found["write_back_after_all"] = write_back_against_the_books(world, sandbox)
        finally:
            deployment.stop()
            sandbox.stop()
            connections.close_all()
    return found


def failures(found: dict) -> list[str]:
    """What the proof found wrong, in words; empty if everything held."""
    problems = []
    storm_found = found["storm"]
    if storm_found["slots_booked_once"] != storm_found["slots"]:
        problems.append(f"storm: {storm_found}")
    if storm_found["slots_booked_more_than_once"]:
        problems.append(f"storm booked a slot twice: {storm_found}")
    if len(storm_found["requests_per_node"]) < 2:
        problems.append("storm: not spread over two web nodes")
    if not found["worker_killed"]["deliveries_cut_off_and_sent_again"]:
        problems.append("worker kill: no delivery was cut off")
    if not found["web_node_killed"]["requests_cut_off"]:
        problems.append("web node kill: no request was cut off")
    for name in ("write_back", "write_back_after_all"):
        if any(found[name].values()):
            problems.append(f"{name}: {found[name]}")
    halves = {k: v for k, v in found["half_bookings"].items() if k != "live_bookings"}
    if any(halves.values()):
        problems.append(f"half-bookings: {found['half_bookings']}")
    beats = found["beats"]
    if (
        beats["reminded_once"] != beats["bookings_due_a_reminder"]
        or (beats["messages_sent_more_than_once"])
    ):
        problems.append(f"beats: {beats}")
    return problems
