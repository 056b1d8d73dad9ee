"""Fixtures for the write-back fault tests: real Redis, real Celery worker and beat, the real
GP Connect sandbox, and a practice linked to it whose slots were imported from it.

Every test here is marked `writeback_faults` (deselect them with `-m "not writeback_faults"`)
and is transactional: the worker processes see only what the test commits. Each records the
bookings it drove, and what it found, as properties the run's summary prints (conftest.py).
"""

import datetime
import time
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from booking.models import Booking, Slot
from booking.services import bookings, managing
from governance.models import Scope
from practices.models import ClinicalSystemLink
from tests.factories import PatientFactory, SiteFactory
from tests.governance.helpers import actor_for, agreement
from tests.writeback.faults.processes import CeleryWorker, RedisServer, Sandbox, Workdir, wait_for
from writeback import slot_import
from writeback.models import WriteBackMessage

MARKER = "writeback_faults"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}: write-back fault tests with real Redis, a Celery worker and the sandbox",
    )


@pytest.fixture
def workdir():
    work = Workdir()
    yield work.path
    work.remove()


@pytest.fixture
def redis_broker(workdir):
    redis = RedisServer(workdir)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def broker_here(redis_broker):
    """This test process enqueues to the private Redis too (the on-commit hand-over)."""
    from config.celery import app

    saved = app.conf.broker_url

    def point_at(url: str) -> None:
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    point_at(redis_broker.url)
    yield redis_broker
    point_at(saved)


@pytest.fixture
def sandbox(workdir):
    running = Sandbox(workdir)
    yield running
    running.stop()


@pytest.fixture
def worker(request, workdir, broker_here):
    running = CeleryWorker(workdir, broker_here.url)
    running.start()
    yield running
    running.stop()
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        print(running.logs())


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@dataclass
class LinkedPractice:
    """Practice A, linked to the sandbox, its slots imported; the hub books into them."""

    practice: object
    link: ClinicalSystemLink
    receptionist: object
    sandbox: Sandbox
    slots: list = field(default_factory=list)
    driven: list = field(default_factory=list)

    def book(self, count: int, *, pause: float = 0.0) -> list[Booking]:
        """Book `count` patients into the next free imported slots, one transaction each."""
        actor = actor_for(self.receptionist)
        made = []
        for _ in range(count):
            slot = self.slots.pop(0)
            patient = PatientFactory(registered_practice=self.practice)
            made.append(
                bookings.book_slot(by=actor, slot=slot, patient=patient, description="Review")
            )
            if pause:
                time.sleep(pause)
        self.driven.extend(made)
        return made

    def cancel(self, booking: Booking) -> Booking:
        return managing.cancel_booking(
            by=actor_for(self.receptionist), booking=booking, reason="Patient is better"
        )

    def amend(self, booking: Booking, *, description: str, comment: str) -> Booking:
        return managing.amend_booking(
            by=actor_for(self.receptionist),
            booking=booking,
            description=description,
            comment=comment,
            expected_version=booking.version,
        )


@pytest.fixture
def linked_practice(transactional_db, sandbox, practice_a, hub, hub_receptionist):
    SiteFactory(organisation=practice_a, name="Riverside Health Centre")
    agreement(practice_a, hub, Scope.BOOKING, by=hub_receptionist)
    link = ClinicalSystemLink.objects.create(
        practice=practice_a,
        base_url=sandbox.url,
        enabled=True,
        switched_by=hub_receptionist,
        switched_at=timezone.now(),
    )
    report = slot_import.import_practice_slots(link=link, horizon_days=14)
    assert report.added > 50, report
    slots = list(
        Slot.objects.filter(
            practice=practice_a,
            status=Slot.Status.FREE,
            start__gt=timezone.now() + datetime.timedelta(days=1),
        ).order_by("start")
    )
    return LinkedPractice(practice_a, link, hub_receptionist, sandbox, slots)


def settle(*, timeout: float) -> None:
    """Wait until no write-back is pending or being delivered."""
    wait_for(
        lambda: (
            not WriteBackMessage.objects.filter(state__in=WriteBackMessage.OPEN_STATES).exists()
        ),
        timeout=timeout,
        what="every write-back to be delivered",
        every=0.25,
    )


def compare_with_ledger(
    world: LinkedPractice, record_property, started: float, *, conflicted=()
) -> None:
    """Zero lost, zero duplicated: each live booking is in the practice's book exactly once
    (but those the practice refused as conflicts, which must not be), each cancelled one is
    not booked there, and nothing else of ours is."""
    conflicted_ids = {b.pk for b in conflicted}
    ledger = world.sandbox.ledger(world.practice.ods_code)
    booked_there: dict[str, int] = {}
    for appointment in ledger:
        if appointment["status"] == "booked":
            reference = appointment["reference"]
            booked_there[reference] = booked_there.get(reference, 0) + 1
    lost, duplicated, not_cancelled = [], [], []
    for booking in Booking.objects.filter(pk__in=[b.pk for b in world.driven]):
        count = booked_there.pop(str(booking.public_id), 0)
        if booking.pk in conflicted_ids:
            if count:
                duplicated.append(str(booking.public_id))
        elif booking.is_live and count == 0:
            lost.append(str(booking.public_id))
        elif count > 1:
            duplicated.append(str(booking.public_id))
        elif not booking.is_live and count:
            not_cancelled.append(str(booking.public_id))
    strays = [ref for ref in booked_there if ref]  # ours, booked, but no such booking
    record_property("bookings_driven", len(world.driven))
    record_property("lost", len(lost))
    record_property("duplicated", len(duplicated) + len(strays))
    record_property("seconds", round(time.monotonic() - started, 1))
    assert not lost, f"Lost: {lost}"
    assert not duplicated, f"Duplicated in the practice system: {duplicated}"
    assert not not_cancelled, f"Cancelled in the hub, still booked at the practice: {not_cancelled}"
    assert not strays, f"Appointments in the practice system with no live booking: {strays}"
    unconfirmed = (
        Booking.objects.filter(pk__in=[b.pk for b in world.driven])
        .exclude(pk__in=conflicted_ids)
        .exclude(write_back=Booking.WriteBack.CONFIRMED)
    )
    assert not unconfirmed.exists(), list(unconfirmed.values_list("public_id", "write_back"))
