"""The waiting list fills freed slots: offered to the patient waiting longest whom the slot
suits, held for them, passed on when they decline or do not answer; each offer sent once."""

import datetime
import re

import pytest
from django.utils import timezone

from booking.models import Booking, Slot, SlotHold
from booking.services.bookings import book_slot
from booking.services.managing import cancel_booking
from governance.audit import Actor
from online import offers
from online.models import Offer, WaitingListEntry
from tests.governance.helpers import actor_for
from tests.online.builders import waiting_entry_at

SOMEONE = Actor(user=None, request_id="r")


@pytest.fixture
def online_slots(hub, publish):
    """Released to the hub, whose receptionist books and cancels them, and to patients online."""
    from tests.conftest import HUB_NOW, ONLINE_NOW

    return list(publish(rules=(HUB_NOW, ONLINE_NOW))[0].slots.order_by("start"))


@pytest.fixture
def waiting(online_slots, hub, practice_a, practice_b):
    """Two patients waiting at the hub, the first longer, both since after the slots were
    published (so they are not offered them until one comes free); both take any slot."""
    first = waiting_entry_at(practice_a, hub=hub)
    second = waiting_entry_at(practice_b, hub=hub)
    for n, entry in enumerate((first, second)):
        entry.patient.email = f"waiting{n}@example.com"
        entry.patient.save()
    WaitingListEntry.objects.filter(pk=second.pk).update(
        created_at=first.created_at + datetime.timedelta(milliseconds=1)
    )
    return first, second


def _token(message) -> str:
    return re.search(r"/patient/offers/([^/\s]+)/", message["body"]).group(1)


def _freed_slot(hub_receptionist, patient, slot, hub_books_for_a):
    actor = actor_for(hub_receptionist)
    booking = book_slot(by=actor, slot=slot, patient=patient)
    cancel_booking(by=actor, booking=booking, reason="Patient is better")
    return Slot.objects.get(pk=slot.pk)


def test_a_cancelled_slot_is_offered_to_the_patient_waiting_longest(
    waiting,
    online_slots,
    hub_receptionist,
    patient_a,
    hub_books_for_a,
    sent_email,
    django_capture_on_commit_callbacks,
):
    first, _ = waiting
    with django_capture_on_commit_callbacks(execute=True):
        slot = _freed_slot(hub_receptionist, patient_a, online_slots[0], hub_books_for_a)
    offer = Offer.objects.get(status=Offer.Status.OPEN)
    assert (offer.entry, offer.slot) == (first, slot)
    assert SlotHold.objects.get(slot=slot).holder == offers.offer_holder(offer.public_id)
    message = sent_email[-1]
    assert (message["template"], message["to"]) == ("waiting-list-offer", first.patient.email)


def test_the_patient_who_cancels_is_not_offered_their_own_slot(
    hub,
    online_slots,
    hub_receptionist,
    hub_books_for_a,
    practice_a,
):
    entry = waiting_entry_at(practice_a, hub=hub)
    _freed_slot(hub_receptionist, entry.patient, online_slots[0], hub_books_for_a)
    assert not Offer.objects.exists()


def test_a_slot_that_does_not_suit_is_not_offered(
    hub, practice_a, online_slots, hub_receptionist, patient_a, hub_books_for_a
):
    waiting_entry_at(practice_a, hub=hub, delivery_channels=["Telephone"])
    _freed_slot(hub_receptionist, patient_a, online_slots[0], hub_books_for_a)
    assert not Offer.objects.exists()


def test_accepting_books_the_slot_and_closes_the_entry(
    waiting,
    online_slots,
    hub_receptionist,
    patient_a,
    hub_books_for_a,
    sent_email,
    django_capture_on_commit_callbacks,
):
    first, _ = waiting
    with django_capture_on_commit_callbacks(execute=True):
        slot = _freed_slot(hub_receptionist, patient_a, online_slots[0], hub_books_for_a)
    booking = offers.accept_offer(token=_token(sent_email[-1]), actor=SOMEONE)
    assert (booking.slot, booking.patient, booking.channel) == (
        slot,
        first.patient,
        Booking.Channel.ONLINE,
    )
    first.refresh_from_db()
    assert first.status == WaitingListEntry.Status.BOOKED
    assert Offer.objects.get().status == Offer.Status.ACCEPTED
    with pytest.raises(offers.OfferGone):
        offers.accept_offer(token=_token(sent_email[-1]), actor=SOMEONE)


def test_declining_passes_the_slot_to_the_next(
    waiting,
    online_slots,
    hub_receptionist,
    patient_a,
    hub_books_for_a,
    sent_email,
    django_capture_on_commit_callbacks,
):
    first, second = waiting
    with django_capture_on_commit_callbacks(execute=True):
        slot = _freed_slot(hub_receptionist, patient_a, online_slots[0], hub_books_for_a)
    with django_capture_on_commit_callbacks(execute=True):
        offers.decline_offer(token=_token(sent_email[-1]), actor=SOMEONE)
    passed = Offer.objects.get(status=Offer.Status.OPEN)
    assert (passed.entry, passed.slot) == (second, slot)
    first.refresh_from_db()
    assert first.status == WaitingListEntry.Status.WAITING  # still waiting for another
    assert sent_email[-1]["to"] == second.patient.email


def test_the_job_run_twice_expires_passes_on_and_sends_each_offer_once(
    waiting,
    online_slots,
    hub_receptionist,
    patient_a,
    hub_books_for_a,
    sent_email,
    django_capture_on_commit_callbacks,
):
    first, second = waiting
    with django_capture_on_commit_callbacks(execute=True):
        slot = _freed_slot(hub_receptionist, patient_a, online_slots[0], hub_books_for_a)
    later = timezone.now() + datetime.timedelta(minutes=31)
    with django_capture_on_commit_callbacks(execute=True):
        offers.offer_free_slots(now=later)
        offers.offer_free_slots(now=later)
    statuses = dict(Offer.objects.values_list("entry", "status"))
    assert statuses == {first.pk: Offer.Status.EXPIRED, second.pk: Offer.Status.OPEN}
    offered_to = [m["to"] for m in sent_email if m["template"] == "waiting-list-offer"]
    assert offered_to == [first.patient.email, second.patient.email]
    assert Offer.objects.get(status=Offer.Status.OPEN).slot == slot


def test_slots_free_before_a_patient_joined_are_theirs_to_book_not_offered(
    hub, practice_a, online_slots
):
    waiting_entry_at(practice_a, hub=hub)  # joined after the slots were published
    assert offers.offer_free_slots() == 0


def test_a_new_session_published_after_joining_is_offered_by_the_job(
    hub, practice_a, publish, sent_email, django_capture_on_commit_callbacks
):
    from tests.conftest import ONLINE_NOW

    entry = waiting_entry_at(practice_a, hub=hub)
    entry.patient.email = "waiting@example.com"
    entry.patient.save()
    WaitingListEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    publish(rules=(ONLINE_NOW,))
    with django_capture_on_commit_callbacks(execute=True):
        assert offers.offer_free_slots() == 1
        assert offers.offer_free_slots() == 0
    assert [m["to"] for m in sent_email] == ["waiting@example.com"]


def test_expired_entries_are_closed(hub, practice_a):
    entry = waiting_entry_at(practice_a, hub=hub)
    WaitingListEntry.objects.filter(pk=entry.pk).update(expires_at=timezone.now())
    offers.offer_free_slots()
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.EXPIRED
