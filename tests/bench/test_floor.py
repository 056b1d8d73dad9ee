"""Booking's floor makes real bookings with real audit links, in plain SQL: what it measures
is the transaction a booking cannot do without, and it leaves the trail verifiable."""

import random
import time

from django.core.management import call_command

from bench.data import bookable_slots
from bench.floor import floor_client
from booking.models import Booking, Slot
from governance.models import AuditEvent


def test_the_floor_books_and_appends_to_the_hubs_audit_chain(committed):
    hub = committed.hubs[0]
    work = bookable_slots(hub.pk, random.Random(2), limit=3)
    job = {
        "hub_id": hub.pk,
        "user_id": committed.receptionists[hub.pk][0].pk,
        "work": work,
        "start_at": time.time(),
        "seconds": 60,
        "tag": "floor-test",
    }

    result = floor_client(job)

    assert result["outcomes"] == {"booked": 3, "ran out of slots": 1}
    assert len(result["latencies"]) == 3
    for bookable in work:
        booking = Booking.objects.get(slot__public_id=bookable.slot_id)
        assert booking.patient_id == bookable.patient_id
        assert booking.booking_organisation == hub
        assert booking.slot.status == Slot.Status.BOOKED
    events = AuditEvent.objects.filter(request_id="floor-test").order_by("sequence")
    assert [e.chain for e in events] == [hub.pk] * 3
    call_command("verify_audit")  # raises if any link is broken
