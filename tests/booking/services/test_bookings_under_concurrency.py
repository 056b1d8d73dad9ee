"""Concurrent booking on real PostgreSQL: exactly one booking per slot, quotas never
exceeded, no clinician booked twice at one time."""

import datetime
import random
import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from booking.errors import SlotNotBookable, SlotTaken
from booking.models import Audience, Booking, DeliveryChannel
from booking.services import bookings
from booking.services.sessions import RuleSpec, publish_sessions
from practices.models import Clinician
from tests.factories import ClinicianFactory, PatientFactory, SiteFactory
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


def test_one_clinician_is_never_booked_twice_at_once_across_sessions(
    hub_receptionist, hub_books_for_a, practice_a, practice_manager_a
):
    """The same GP runs two overlapping sessions at two sites (a rota mistake). Hub
    receptionists book overlapping slots of the two sessions at the same moment: for each
    overlapping pair exactly one booking stands. Nothing in Python compares clinicians'
    bookings; the exclusion constraint (booking migration 0002) decides."""
    doctor = ClinicianFactory(organisation=practice_a, job_role=Clinician.JobRole.GP)
    day = timezone.localdate() + datetime.timedelta(days=2)

    def session_from(start: datetime.time):
        return publish_sessions(
            by=actor_for(practice_manager_a),
            site=SiteFactory(organisation=practice_a),
            clinician=doctor,
            practitioner_role=Clinician.JobRole.GP,
            session_type="GP extended access",
            slot_type="Routine appointment",
            delivery_channel=DeliveryChannel.IN_PERSON,
            first_date=day,
            start_time=start,
            end_time=datetime.time(20, 0),
            slot_minutes=15,
            weeks=1,
            rules=(RuleSpec(audience=Audience.HUB),),
        )[0]

    first = list(session_from(datetime.time(18, 30)).slots.order_by("start"))
    second = list(session_from(datetime.time(18, 35)).slots.order_by("start"))
    # 18:30-18:45 with 18:35-18:50, 19:00-19:15 with 19:05-19:20, 19:30 with 19:35: each
    # pair overlaps, and no slot of one pair overlaps a slot of another.
    pairs = [(first[i], second[i]) for i in (0, 2, 4)]
    patients = PatientFactory.create_batch(2 * len(pairs), registered_practice=practice_a)
    actor = actor_for(hub_receptionist)
    outcomes: dict = {}
    start = threading.Barrier(2 * len(pairs))

    def attempt(slot, patient) -> None:
        try:
            start.wait()
            try:
                bookings.book_slot(by=actor, slot=slot, patient=patient)
                outcomes[slot.pk] = "booked"
            except SlotTaken:
                outcomes[slot.pk] = "taken"
            except Exception as error:  # anything else would be a 5xx
                outcomes[slot.pk] = f"error: {type(error).__name__}: {error}"
        finally:
            connection.close()

    attempts = [slot for pair in pairs for slot in pair]
    workers = [
        threading.Thread(target=attempt, args=pair) for pair in zip(attempts, patients, strict=True)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    for one, other in pairs:
        assert sorted([outcomes[one.pk], outcomes[other.pk]]) == ["booked", "taken"], outcomes
    live = Booking.objects.filter(clinician=doctor).exclude(status=Booking.Status.CANCELLED)
    assert live.count() == len(pairs)
