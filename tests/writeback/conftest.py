"""Write-back test fixtures: a practice linked to an in-memory practice system behind the
adapter seam, what was handed to the broker, and bookings into slots it holds."""

import pytest
from celery import current_app
from django.utils import timezone

from booking.models import Booking
from booking.services import bookings
from practices.clinical_systems import links
from practices.models import ClinicalSystemLink
from tests.governance.helpers import actor_for
from tests.practices.clinical_systems.fake import FakeClinicalSystem
from writeback import tasks


@pytest.fixture
def link_a(practice_a, practice_manager_a):
    return ClinicalSystemLink.objects.create(
        practice=practice_a,
        base_url="http://practice-a.test/gpconnect",
        enabled=True,
        switched_by=practice_manager_a,
        switched_at=timezone.now(),
    )


@pytest.fixture
def practice_system(monkeypatch):
    """The fake behind the adapter seam."""
    system = FakeClinicalSystem()
    built_for = []

    def factory(link):
        built_for.append(link.base_url)
        return system

    monkeypatch.setattr(links, "clinical_system_for", factory)
    system.built_for = built_for
    return system


@pytest.fixture
def enqueued(monkeypatch):
    """What was handed to the broker, instead of handing it."""
    sent = []
    monkeypatch.setattr(
        tasks.deliver_write_back,
        "apply_async",
        lambda args, **kwargs: sent.append((args[0], kwargs.get("countdown"))),
    )
    monkeypatch.setattr(
        tasks.deliver_write_back, "delay", lambda *args: sent.append((args[0], None))
    )
    monkeypatch.setattr(
        current_app, "send_task", lambda name, args, **kwargs: sent.append((args[0], None))
    )
    return sent


@pytest.fixture
def book(publish, hub_receptionist, hub_books_for_a, patient_a, enqueued):
    slots = list(publish()[0].slots.order_by("start"))
    for number, slot in enumerate(slots, start=1):
        slot.external_id = f"practice-slot-{number}"
        slot.save(update_fields=["external_id"])
    slots = iter(slots)

    def make(slot=None, patient=None, **kwargs) -> Booking:
        return bookings.book_slot(
            by=actor_for(hub_receptionist),
            slot=slot or next(slots),
            patient=patient or patient_a,
            description="Blood pressure review",
            **kwargs,
        )

    make.slots = slots
    return make


@pytest.fixture
def hub_diary_slots(publish, link_a):
    """Slots of a session practice A published in Hub Diary while its link was off (once the
    link is on, its sessions come from its own system)."""
    link_a.enabled = False
    link_a.save(update_fields=["enabled"])
    slots = list(publish(days_ahead=3)[0].slots.order_by("start"))
    link_a.enabled = True
    link_a.save(update_fields=["enabled"])
    return slots
