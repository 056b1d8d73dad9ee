"""Slot import: a linked practice's free slots from its own system, in 14-day searches,
reconciled with what the hub already holds."""

import datetime

import pytest
from celery import current_app
from django.utils import timezone

from booking.models import Booking, Session, Slot
from booking.search import free_slots_for
from booking.services import bookings
from core.time import LONDON
from practices.clinical_systems import links
from practices.clinical_systems.base import PracticeSlot, Unavailable
from practices.models import ClinicalSystemLink, Clinician
from tests.factories import ClinicianFactory, SiteFactory
from tests.governance.helpers import actor_for
from tests.practices.clinical_systems.fake import FakeClinicalSystem
from writeback import slot_import, tasks
from writeback.problems import vanished_bookings_for


@pytest.fixture
def site_a(practice_a):
    return SiteFactory(organisation=practice_a, name="Riverside Health Centre")


@pytest.fixture
def link_a(practice_a, site_a):
    return ClinicalSystemLink.objects.create(
        practice=practice_a, base_url="http://practice-a.test/", enabled=True
    )


@pytest.fixture
def practice_system(monkeypatch):
    system = FakeClinicalSystem()
    monkeypatch.setattr(links, "clinical_system_for", lambda link: system)
    return system


def _evening(days_ahead: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    return datetime.datetime.combine(day, datetime.time(18, 30), LONDON) + datetime.timedelta(
        minutes=minute
    )


def _offer(external_id: str, days_ahead: int, minute: int = 0, **changes) -> PracticeSlot:
    start = _evening(days_ahead, minute)
    fields = {
        "external_id": external_id,
        "start": start,
        "end": start + datetime.timedelta(minutes=15),
        "practitioner_role": Clinician.JobRole.GP,
        "delivery_channel": "In-person",
        "slot_type": "Extended access",
        "site_name": "Riverside Health Centre",
        "practitioner_name": "Grace Hopper",
    }
    return PracticeSlot(**(fields | changes))


def _import(link) -> slot_import.ImportReport:
    return slot_import.import_practice_slots(link=link)


def test_the_search_runs_in_windows_of_fourteen_days():
    windows = slot_import.search_windows(datetime.date(2026, 1, 1), 28)
    assert windows == [
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 14)),
        (datetime.date(2026, 1, 15), datetime.date(2026, 1, 28)),
    ]
    assert slot_import.search_windows(datetime.date(2026, 1, 1), 3) == [
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 3))
    ]


def test_new_slots_are_added_as_imported_and_the_hub_can_book_them(
    link_a, practice_system, practice_a, hub_receptionist, hub_books_for_a, site_a
):
    doctor = ClinicianFactory(organisation=practice_a, given_name="Grace", family_name="Hopper")
    practice_system.free_slots = [
        _offer("s1", 2),
        _offer("s2", 2, 15),
        _offer("s3", 20),  # in the second fortnight
        _offer("s4", 40),  # beyond the horizon
    ]
    report = _import(link_a)
    assert report.added == 3
    assert len(practice_system.searched) == 2
    slots = Slot.objects.filter(practice=practice_a).order_by("start")
    assert [s.external_id for s in slots] == ["s1", "s2", "s3"]
    assert {s.session.source for s in slots} == {Session.Source.IMPORTED}
    assert slots[0].session_id == slots[1].session_id  # one session that evening
    assert slots[0].clinician == doctor and slots[0].site == site_a
    found = free_slots_for(
        actor=actor_for(hub_receptionist),
        start=timezone.now(),
        end=timezone.now() + datetime.timedelta(days=28),
    )
    assert {s.pk for s in found} == {s.pk for s in slots}
    link_a.refresh_from_db()
    assert link_a.last_success_at is not None


def test_importing_again_changes_nothing(link_a, practice_system, practice_a):
    practice_system.free_slots = [_offer("s1", 2), _offer("s2", 3)]
    _import(link_a)
    assert _import(link_a) == slot_import.ImportReport()
    assert Slot.objects.filter(practice=practice_a).count() == 2
    assert Session.objects.filter(practice=practice_a).count() == 2


def test_a_slot_gone_from_the_practice_system_is_withdrawn_and_restored_if_it_returns(
    link_a, practice_system, practice_a
):
    practice_system.free_slots = [_offer("s1", 2), _offer("s2", 2, 15)]
    _import(link_a)
    practice_system.free_slots = [_offer("s1", 2)]
    assert _import(link_a).withdrawn == 1
    gone = Slot.objects.get(external_id="s2")
    assert gone.status == Slot.Status.WITHDRAWN and gone.vanished_at is not None
    practice_system.free_slots = [_offer("s1", 2), _offer("s2", 2, 15)]
    assert _import(link_a).restored == 1
    gone.refresh_from_db()
    assert gone.status == Slot.Status.FREE and gone.vanished_at is None


def test_a_booked_slot_the_practice_never_heard_of_is_flagged_when_it_vanishes(
    link_a, practice_system, practice_a, hub_receptionist, hub_books_for_a, patient_a, hub
):
    practice_system.free_slots = [_offer("s1", 2), _offer("s2", 3)]
    _import(link_a)
    link_a.enabled = False  # the booking is made while the link is off: not written back
    link_a.save()
    booked = bookings.book_slot(
        by=actor_for(hub_receptionist),
        slot=Slot.objects.get(external_id="s1"),
        patient=patient_a,
    )
    assert booked.write_back == Booking.WriteBack.NOT_LINKED
    Slot.objects.filter(pk=booked.slot_id).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    practice_system.free_slots = [_offer("s2", 3)]
    report = _import(link_a)
    assert report.flagged == 1
    assert report.withdrawn == 0
    assert list(vanished_bookings_for(hub)) == [booked]


def test_a_booked_slot_written_back_is_expected_to_leave_the_free_list(
    link_a, practice_system, practice_a, hub_receptionist, hub_books_for_a, patient_a, monkeypatch
):
    monkeypatch.setattr(current_app, "send_task", lambda *a, **k: None)
    monkeypatch.setattr(tasks.deliver_write_back, "apply_async", lambda *a, **k: None)
    practice_system.free_slots = [_offer("s1", 2)]
    _import(link_a)
    booked = bookings.book_slot(
        by=actor_for(hub_receptionist),
        slot=Slot.objects.get(external_id="s1"),
        patient=patient_a,
    )
    assert tasks.deliver_write_back(booked.write_back_messages.get().pk) == "confirmed"
    Slot.objects.filter(pk=booked.slot_id).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    booked.write_back_messages.update(updated_at=timezone.now() - datetime.timedelta(minutes=5))
    report = _import(link_a)  # the fake no longer offers s1: we booked it there
    assert report == slot_import.ImportReport()
    assert Slot.objects.get(external_id="s1").vanished_at is None


def test_a_slot_freed_in_the_hub_while_searching_is_left_for_the_next_import(
    link_a, practice_system, practice_a
):
    """The practice system's answer may predate the hub's change: judge it next time."""
    practice_system.free_slots = [_offer("s1", 2)]
    _import(link_a)
    practice_system.free_slots = []
    slot = Slot.objects.get(external_id="s1")
    original_search = practice_system.search_free_slots

    def search_then_touch(**kwargs):
        found = original_search(**kwargs)
        Slot.objects.filter(pk=slot.pk).update(updated_at=timezone.now())
        return found

    practice_system.search_free_slots = search_then_touch
    assert _import(link_a).withdrawn == 0
    slot.refresh_from_db()
    assert slot.status == Slot.Status.FREE


def test_slots_hub_diary_cannot_hold_are_skipped(link_a, practice_system, practice_a):
    practice_system.free_slots = [
        _offer("s1", 2, practitioner_role="X9999"),
        _offer("s2", 2, 15, delivery_channel="Carrier pigeon"),
        _offer("s3", 2, 30, site_name="Unknown branch"),  # falls back to the practice's site
    ]
    report = _import(link_a)
    assert (report.added, report.skipped) == (1, 2)


def test_a_practice_system_that_is_down_is_recorded_on_the_link(link_a, practice_system):
    practice_system.faults["search_free_slots"] = [Unavailable("503 Service Unavailable")]
    with pytest.raises(Unavailable):
        _import(link_a)
    link_a.refresh_from_db()
    assert "503" in link_a.last_error


def test_beat_imports_every_practice_whose_link_is_on(link_a, practice_b, monkeypatch):
    ClinicalSystemLink.objects.create(practice=practice_b, base_url="http://b.test/")
    queued = []
    monkeypatch.setattr(tasks.import_practice_slots, "delay", queued.append)
    assert tasks.import_all_practice_slots() == 1
    assert queued == [link_a.pk]


def test_the_import_task_runs_the_import(link_a, practice_system):
    practice_system.free_slots = [_offer("s1", 2)]
    assert tasks.import_practice_slots(link_a.pk)["added"] == 1
    link_a.enabled = False
    link_a.save()
    assert tasks.import_practice_slots(link_a.pk) == {}


def test_the_command_imports_now(link_a, practice_system, capsys):
    from django.core.management import call_command

    practice_system.free_slots = [_offer("s1", 2), _offer("s2", 3)]
    call_command("import_practice_slots", practice=link_a.practice.ods_code)
    assert "2 added" in capsys.readouterr().out
    assert Slot.objects.filter(practice=link_a.practice).count() == 2
