"""Sustained booking throughput, beside its floor, at each client count.

At each count, client processes spread over several hubs (by default each client a
receptionist of a hub of its own, as national load is spread over many hubs) first run the
floor (bench.floor: the bare transaction of slot update, booking insert and audit insert)
and then book exactly as the booking API does, for the same time, while the lock sampler
watches their backends. Each phase books into hubs of its own, so that every phase starts
from slots no phase has touched."""

import random
import time
import uuid

from bench.clients import Clients, until_deadline
from bench.data import Bookable, actor_for, bookable_slots, hub_receptionists
from bench.floor import floor_client
from bench.locks import LockSampler
from bench.stats import summary_ms


def book_as_the_api_does(actor, slot_id: str, nhs_number: str, request_id: str = "bench"):
    """What POST /api/v1/bookings/ does once it has parsed its request: a new Actor (its
    permissions read afresh), the slot found as the API finds it, then the service the API
    calls, with the NHS number as the API's serializer leaves it."""
    from booking.selectors import get_slot_for_booking_or_404
    from booking.services.bookings import book_slot_for_nhs_number
    from governance.audit import Actor
    from patients.nhs_number import normalise_nhs_number

    by = Actor(
        user=actor.user,
        membership=actor.membership,
        request_id=request_id,
        client_address="127.0.0.1",
    )
    slot = get_slot_for_booking_or_404(actor=by, public_id=slot_id)
    return book_slot_for_nhs_number(
        by=by,
        slot=slot,
        nhs_number=normalise_nhs_number(nhs_number),
        description="Bench booking",
        comment="",
        idempotency_key=None,
        override_reason="",
    )


def booking_client(job: dict) -> dict:
    """One client: book the job's slots as the API does until its deadline."""
    from booking.errors import SlotNotBookable, SlotTaken

    actor = actor_for(job["user_id"], job["hub_id"])

    def book(bookable: Bookable) -> str:
        try:
            book_as_the_api_does(actor, bookable.slot_id, bookable.nhs_number, job["tag"])
        except (SlotTaken, SlotNotBookable) as error:
            return f"refused: {type(error).__name__}"
        except Exception as error:  # anything else would be a 5xx
            return f"error: {type(error).__name__}: {error}"
        return "booked"

    return until_deadline(job, book)


PHASES = {"floor": floor_client, "booked": booking_client}


def measure(
    client_counts: list[int], seconds: float, rng: random.Random, hubs_per_phase: int | None = None
) -> dict:
    """Each client count's floor, bookings and ratio; `hubs_per_phase`: the hubs a phase's
    clients are spread over (round robin), by default as many as there are clients."""
    hubs = hub_receptionists()
    hub_ids = sorted(hubs)
    runs, next_hub = [], 0
    for clients in client_counts:
        spread = min(hubs_per_phase or clients, len(hub_ids))
        run: dict = {"clients": clients}
        with Clients(clients) as pool:
            for name, work in PHASES.items():
                phase_hubs = [hub_ids[(next_hub + i) % len(hub_ids)] for i in range(spread)]
                next_hub += spread
                tag = f"bench-{name}-{clients}-{uuid.uuid4().hex[:8]}"  # its audit events
                jobs = _jobs(clients, phase_hubs, hubs, rng, seconds, tag)
                _checkpoint()
                start_at = time.time() + 1
                with LockSampler(start_at, start_at + seconds) as locks:
                    results = pool.run(work, jobs, start_at)
                run[name] = {
                    **_phase(results, start_at),
                    "hubs": len(phase_hubs),
                    "audit_events": _audit_events(tag),
                    "locks": locks.summary(),
                }
        floor = run["floor"]["per_s"]
        run["ratio"] = round(run["booked"]["per_s"] / floor, 3) if floor else 0.0
        runs.append(run)
    return {"seconds": seconds, "runs": runs}


def _jobs(
    clients: int,
    phase_hubs: list[int],
    hubs: dict[int, list[tuple[int, str]]],
    rng: random.Random,
    seconds: float,
    tag: str,
) -> list[dict]:
    """Clients round robin over the hubs, each a receptionist of its hub with a disjoint
    share of the hub's bookable slots."""
    assigned = [phase_hubs[i % len(phase_hubs)] for i in range(clients)]
    supply = {hub: bookable_slots(hub, rng) for hub in set(assigned)}
    jobs = []
    for i, hub in enumerate(assigned):
        share, k = assigned.count(hub), assigned[:i].count(hub)
        jobs.append(
            {
                "hub_id": hub,
                "user_id": hubs[hub][k % len(hubs[hub])][0],
                "work": supply[hub][k::share],
                "seconds": seconds,
                "tag": tag,
            }
        )
    return jobs


def _phase(results: list[dict], start_at: float) -> dict:
    outcomes: dict[str, int] = {}
    for result in results:
        for outcome, n in result["outcomes"].items():
            outcomes[outcome] = outcomes.get(outcome, 0) + n
    booked = outcomes.get("booked", 0)
    elapsed = max(result["ended"] for result in results) - start_at
    return {
        "bookings": booked,
        "elapsed_s": round(elapsed, 2),
        "per_s": round(booked / elapsed, 1),
        "latency": summary_ms([t for result in results for t in result["latencies"]]),
        # The clients' own CPU per booking: on two shared cores, CPU is what binds.
        "client_cpu_ms_per_booking": round(
            1000 * sum(result["cpu_seconds"] for result in results) / max(1, booked), 2
        ),
        "outcomes": outcomes,
    }


def _checkpoint() -> None:
    """Every phase starts from the same state: no dirty buffers left by the one before, and
    the first change to each page after it logs the whole page, as after any checkpoint."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def _audit_events(tag: str) -> int:
    """Events the phase wrote to the trail: one per booking, the audit trail being always on."""
    from governance.models import AuditEvent

    return AuditEvent.objects.filter(request_id=tag).count()
