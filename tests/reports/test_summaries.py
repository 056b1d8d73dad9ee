"""The summary tables count the slots and appointments of each day once, however often
the job runs."""

import datetime

from django.db.models import Sum
from django.utils import timezone

from reports.models import BookingSummary, SlotSummary
from reports.summaries import refresh, refresh_recent


def _slot_totals():
    return SlotSummary.objects.aggregate(
        offered=Sum("offered"),
        booked=Sum("booked"),
        attended=Sum("attended"),
        did_not_attend=Sum("did_not_attend"),
        unused=Sum("unused"),
        minutes=Sum("minutes"),
    )


def test_slots_are_counted_by_their_use(past_morning):
    assert _slot_totals() == {
        "offered": 60,
        "booked": 36,
        "attended": 25,
        "did_not_attend": 9,
        "unused": 24,
        "minutes": 300,
    }


def test_appointments_carry_outcome_lead_time_and_reminder(past_morning):
    def count(**where):
        return BookingSummary.objects.filter(**where).aggregate(n=Sum("appointments"))["n"]

    assert count() == 36
    assert count(outcome="Attended") == 25
    assert count(outcome="DNA") == 9
    assert count(outcome="Unknown") == 2  # past, no outcome recorded
    assert count(lead_time="2 to 7 Days") == 30
    assert count(lead_time="Same Day") == 6
    assert count(reminded=True) == 30
    assert count(channel="nhs-111", registered_practice__ods_code="B20002") == 10


def test_running_again_counts_nothing_twice(past_morning):
    before = _slot_totals()
    refresh_recent()
    refresh(past_morning - datetime.timedelta(days=3), past_morning + datetime.timedelta(days=3))
    assert _slot_totals() == before
    assert BookingSummary.objects.aggregate(n=Sum("appointments"))["n"] == 36


def test_a_booking_still_to_come_is_booked_not_unknown(past_morning, publish, practice_a):
    from booking.models import Booking, Slot
    from tests.reports.conftest import _book

    (session,) = publish(days_ahead=3)
    slot = session.slots.order_by("start").first()
    hub = practice_a.hubs.get()
    _book(
        slot,
        practice_a,
        hub,
        Booking.Channel.HUB,
        Booking.Status.BOOKED,
        session.created_by,
        lead_days=1,
    )
    refresh_recent()
    assert BookingSummary.objects.get(outcome="Booked").appointments == 1
    assert (
        Slot.objects.filter(session=session).count()
        == SlotSummary.objects.filter(day=timezone.localtime(slot.start).date()).aggregate(
            n=Sum("offered")
        )["n"]
    )
