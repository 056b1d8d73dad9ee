"""Patients' own bookings, and the limit the database holds them to."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from booking.errors import HoldExpired, OnlineLimitReached
from booking.holds import hold_slot
from booking.models import Booking
from booking.services.own import book_held_slot
from governance.audit import Actor
from online.accounts import account_for_patient

HOLD = datetime.timedelta(minutes=5)


@pytest.fixture
def ada(patient_a):
    account = account_for_patient(patient_a)
    return Actor.for_patient(Actor(user=None), account)


def _book(actor, slot, hub, most=2):
    hold_slot(slot=slot, holder="account:ada", hold_for=HOLD)
    return book_held_slot(
        by=actor, slot=slot, holder="account:ada", hub=hub, description="Rash", most_to_come=most
    )


def test_booking_needs_a_live_hold(ada, online_slots, hub):
    with pytest.raises(HoldExpired):
        book_held_slot(
            by=ada,
            slot=online_slots[0],
            holder="account:ada",
            hub=hub,
            description="",
            most_to_come=2,
        )


def test_the_service_refuses_past_the_limit(ada, online_slots, hub):
    _book(ada, online_slots[0], hub, most=1)
    with pytest.raises(OnlineLimitReached):
        _book(ada, online_slots[1], hub, most=1)


def test_the_database_refuses_past_the_limit_whatever_books(ada, online_slots, hub):
    first = _book(ada, online_slots[0], hub)
    _book(ada, online_slots[1], hub)
    third = Booking(
        slot=online_slots[2],
        patient=first.patient,
        booking_organisation=hub,
        booked_by=first.booked_by,
        channel=Booking.Channel.ONLINE,
        start=online_slots[2].start,
        end=online_slots[2].end,
    )
    with pytest.raises(IntegrityError, match="online bookings"), transaction.atomic():
        third.save()
    # Bookings made by staff, and online ones in the past, do not count.
    third.channel = Booking.Channel.HUB
    third.save()


def test_a_cancelled_online_booking_frees_its_place(ada, online_slots, hub):
    first = _book(ada, online_slots[0], hub)
    _book(ada, online_slots[1], hub)
    Booking.objects.filter(pk=first.pk).update(
        status=Booking.Status.CANCELLED, cancelled_at=timezone.now(), cancelled_by=first.booked_by
    )
    assert _book(ada, online_slots[2], hub).status == Booking.Status.BOOKED
