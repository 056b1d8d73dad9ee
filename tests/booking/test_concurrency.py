"""Concurrent booking on real PostgreSQL: exactly one booking per slot, quotas never
exceeded."""

import datetime
import random
import threading
from collections import Counter

import pytest
from django.db import connection

from booking.errors import SlotNotBookable, SlotTaken
from booking.models import Audience, Booking
from booking.services import bookings
from booking.services.sessions import RuleSpec
from tests.factories import PatientFactory
from tests.governance.helpers import actor_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_storm_on_ten_slots_gives_exactly_ten_bookings(
    publish, hub_receptionist, hub_books_for_a, practice_a
):
    slots = list(publish(minutes=9)[0].slots.all())[:10]
    patients = PatientFactory.create_batch(25, registered_practice=practice_a)
    actor = actor_for(hub_receptionist)
    outcomes: Counter = Counter()
    lock = threading.Lock()
    attempts_per_thread, threads = 50, 20  # 1,000 attempts

    def storm(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(attempts_per_thread):
                try:
                    bookings.book_slot(
                        by=actor, slot=rng.choice(slots), patient=rng.choice(patients)
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

    workers = [threading.Thread(target=storm, args=(seed,)) for seed in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sum(outcomes.values()) == 1000
    assert outcomes["booked"] == 10, outcomes
    assert set(outcomes) <= {"booked", "taken"}, outcomes
    live = Booking.objects.exclude(status=Booking.Status.CANCELLED)
    assert live.count() == 10
    assert live.values("slot").distinct().count() == 10


def test_a_day_quota_holds_across_sessions_under_concurrency(
    publish, hub_receptionist, hub_books_for_a, practice_a
):
    """Two sessions at one practice on one day, at most three hub bookings that day: many
    hub receptionists booking different slots at once still make exactly three."""
    rule = RuleSpec(audience=Audience.HUB, quota_per_day=3)
    early = list(
        publish(start=datetime.time(9, 0), end=datetime.time(11, 0), rules=(rule,))[0].slots.all()
    )
    late = list(
        publish(start=datetime.time(18, 0), end=datetime.time(20, 0), rules=(rule,))[0].slots.all()
    )
    slots = early[:8] + late[:8]
    patients = PatientFactory.create_batch(len(slots), registered_practice=practice_a)
    actor = actor_for(hub_receptionist)
    outcomes: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(slots))

    def attempt(slot, patient) -> None:
        try:
            start.wait()
            try:
                bookings.book_slot(by=actor, slot=slot, patient=patient)
                outcome = "booked"
            except SlotNotBookable as refused:
                outcome = refused.reason_code
            except Exception as error:  # anything else would be a 5xx
                outcome = f"error: {type(error).__name__}: {error}"
            with lock:
                outcomes[outcome] += 1
        finally:
            connection.close()

    workers = [
        threading.Thread(target=attempt, args=pair) for pair in zip(slots, patients, strict=True)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert outcomes == {"booked": 3, "quota-reached": len(slots) - 3}, outcomes
    assert Booking.objects.exclude(status=Booking.Status.CANCELLED).count() == 3
