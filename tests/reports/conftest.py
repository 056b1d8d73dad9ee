"""A fortnight ago, with known answers: practice A's morning of 36 five-minute slots, 30 of
them booked (20 for its own patients by the hub: 12 attended, 6 did not, 2 with no outcome;
10 for practice B's patients by NHS 111: 7 attended, 3 did not), and practice B's morning
of 24, 6 booked online by its own patients, all attended."""

import datetime

import pytest
from django.utils import timezone

from booking.models import Booking, Session, Slot
from reports.summaries import refresh
from tests.factories import PatientFactory

DAYS_AGO = 14


@pytest.fixture
def past_morning(hub, practice_a, practice_b, practice_manager_a, practice_manager_b, publish):
    sessions = [
        *publish(start=datetime.time(9), end=datetime.time(12), minutes=5),
        *publish(
            manager=practice_manager_b, start=datetime.time(9), end=datetime.time(11), minutes=5
        ),
    ]
    back = datetime.timedelta(days=DAYS_AGO + 2)
    for session in sessions:
        Session.objects.filter(pk=session.pk).update(
            starts_at=session.starts_at - back, ends_at=session.ends_at - back
        )
        for slot in session.slots.all():
            Slot.objects.filter(pk=slot.pk).update(start=slot.start - back, end=slot.end - back)
    a_slots = list(Slot.objects.filter(session=sessions[0]).order_by("start"))
    b_slots = list(Slot.objects.filter(session=sessions[1]).order_by("start"))
    plan = (
        [(practice_a, hub, Booking.Channel.HUB, Booking.Status.ATTENDED)] * 12
        + [(practice_a, hub, Booking.Channel.HUB, Booking.Status.DID_NOT_ATTEND)] * 6
        + [(practice_a, hub, Booking.Channel.HUB, Booking.Status.BOOKED)] * 2
        + [(practice_b, hub, Booking.Channel.NHS_111, Booking.Status.ATTENDED)] * 7
        + [(practice_b, hub, Booking.Channel.NHS_111, Booking.Status.DID_NOT_ATTEND)] * 3
    )
    for slot, (registered, by, channel, status) in zip(a_slots, plan, strict=False):
        _book(slot, registered, by, channel, status, practice_manager_a, lead_days=3)
    for slot in b_slots[:6]:
        _book(
            slot,
            practice_b,
            practice_b,
            Booking.Channel.ONLINE,
            Booking.Status.ATTENDED,
            practice_manager_b,
            lead_days=0,
        )
    first = timezone.localdate() - datetime.timedelta(days=DAYS_AGO + 7)
    refresh(first, timezone.localdate() + datetime.timedelta(days=7))
    return timezone.localtime(a_slots[0].start).date()


def _book(slot, registered, by, channel, status, user, *, lead_days: int) -> Booking:
    slot.refresh_from_db()
    booking = Booking.objects.create(
        slot=slot,
        patient=PatientFactory(registered_practice=registered),
        booking_organisation=by,
        booked_by=user,
        channel=channel,
        status=status,
        start=slot.start,
        end=slot.end,
        clinician=slot.clinician,
    )
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.BOOKED)
    Booking.objects.filter(pk=booking.pk).update(
        created_at=slot.start - datetime.timedelta(days=lead_days, hours=1 if lead_days else 0),
        reminder_sent_at=slot.start - datetime.timedelta(days=1) if lead_days else None,
    )
    return booking
