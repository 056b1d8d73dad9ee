"""A booking storm: 1,000 attempts from 40 concurrent clients (4 processes of 10 threads,
each thread its own connection) on 10 free slots, booked as the API books. Exactly 10
bookings must result, and every other attempt be refused as taken."""

import random
import threading
import time
from collections import Counter

from bench.clients import Clients, wait_until
from bench.data import actor_for, bookable_slots, hub_receptionists


def storm_client(job: dict) -> dict:
    """One process of the storm: `threads` threads, each with its own connection."""
    from django.db import connection

    from bench.booking import book_as_the_api_does
    from booking.errors import SlotNotBookable, SlotTaken

    actors = [actor_for(user_id, job["hub_id"]) for user_id in job["user_ids"]]
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def attempts(seed: int) -> None:
        rng = random.Random(seed)
        actor = actors[seed % len(actors)]
        try:
            wait_until(job["start_at"])
            for _ in range(job["attempts_per_thread"]):
                try:
                    book_as_the_api_does(
                        actor, rng.choice(job["slot_ids"]), rng.choice(job["nhs_numbers"])
                    )
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


def measure(rng: random.Random, attempts: int = 1_000, processes: int = 4, threads: int = 10):
    from booking.models import Booking

    hubs = hub_receptionists()
    hub = sorted(hubs)[-1]
    pairs = bookable_slots(hub, rng, limit=10)
    slot_ids = [pair.slot_id for pair in pairs]
    job = {
        "hub_id": hub,
        "user_ids": [user for user, _ in hubs[hub]],
        "slot_ids": slot_ids,
        "nhs_numbers": [pair.nhs_number for pair in pairs],
        "threads": threads,
        "attempts_per_thread": attempts // (processes * threads),
    }
    with Clients(processes) as clients:
        start_at = time.time() + 1
        results = clients.run(
            storm_client, [{**job, "seed": p} for p in range(processes)], start_at
        )
        seconds = time.time() - start_at
    outcomes: Counter = Counter()
    for result in results:
        outcomes.update(result)
    live = list(
        Booking.objects.filter(slot__public_id__in=slot_ids)
        .exclude(status=Booking.Status.CANCELLED)
        .values_list("slot_id", flat=True)
    )
    return {
        "attempts": sum(outcomes.values()),
        "concurrent_clients": processes * threads,
        "slots": len(slot_ids),
        "bookings": outcomes["booked"],
        "live_bookings_in_db": len(live),
        "distinct_slots_booked": len(set(live)),
        "outcomes": dict(outcomes),
        "seconds": round(seconds, 2),
        "ok": outcomes["booked"] == len(slot_ids) == len(set(live)) == len(live)
        and set(outcomes) <= {"booked", "taken"},
    }
