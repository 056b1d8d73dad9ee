"""The sync-exceptions worklist, the alerts it raises on the home page and the governance
alerts page, bookings to enter by hand, and the practice's switch for its clinical-system
link, as the hub receptionist, the practice's staff and outsiders use them."""

import pytest
from celery import current_app
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking, Slot
from booking.services import bookings
from governance.models import Alert, AuditEvent
from patients.nhs_number import format_nhs_number
from practices.clinical_systems import links
from practices.clinical_systems.base import SlotConflict, Unavailable
from practices.models import ClinicalSystemLink
from tests.factories import PatientFactory
from tests.governance.helpers import actor_for
from tests.practices.clinical_systems.fake import FakeClinicalSystem
from tests.writeback.builders import write_back_problem_at
from writeback import tasks
from writeback.models import WriteBackMessage

State = WriteBackMessage.State


def _link(practice) -> ClinicalSystemLink:
    """The practice's link, on. Its sessions are published before: once it is on they come
    from the practice system (whose slots these tests stand in for by their ids)."""
    return ClinicalSystemLink.objects.create(
        practice=practice, base_url="http://practice-a.test/", enabled=True
    )


@pytest.fixture
def practice_system(monkeypatch):
    system = FakeClinicalSystem()
    monkeypatch.setattr(links, "clinical_system_for", lambda link: system)
    monkeypatch.setattr(current_app, "send_task", lambda *a, **k: None)
    monkeypatch.setattr(tasks.deliver_write_back, "apply_async", lambda *a, **k: None)
    return system


@pytest.fixture
def conflict(publish, hub_receptionist, hub_books_for_a, patient_a, practice_a, practice_system):
    """The hub booked the 7pm slot; the practice had just filled it in its own system."""
    slots = list(publish()[0].slots.order_by("start"))
    for number, slot in enumerate(slots):
        slot.external_id = f"slot-{number}"
        slot.save(update_fields=["external_id"])
    _link(practice_a)
    booking = bookings.book_slot(by=actor_for(hub_receptionist), slot=slots[2], patient=patient_a)
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")]
    message = WriteBackMessage.objects.get(booking=booking)
    assert tasks.deliver_write_back(message.pk) == State.CONFLICT
    message.refresh_from_db()
    message.slots = slots
    return message


def test_the_hub_and_the_practice_both_see_a_conflict(
    client_for, conflict, hub_receptionist, receptionist_practice_a, receptionist_practice_b
):
    url = reverse("writeback:problems")
    for user in (hub_receptionist, receptionist_practice_a):
        page = client_for(user).get(url)
        assert page.status_code == 200
        assert b"LOVELACE" in page.content
        assert reverse("writeback:problem", args=[conflict.public_id]).encode() in (page.content)
    other = client_for(receptionist_practice_b).get(url)
    assert b"LOVELACE" not in other.content
    assert b"Every booking, cancellation and change has reached" in other.content


def test_the_worklist_costs_the_same_queries_however_long(
    client_for, hub_receptionist, hub, practice_a, django_assert_num_queries
):
    client = client_for(hub_receptionist)
    url = reverse("writeback:problems")
    write_back_problem_at(practice_a, made_by=hub)
    client.get(url)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(5):
        write_back_problem_at(practice_a, made_by=hub, state=State.DEAD)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert page.content.count(b"Gave up after repeated failures") == 5


def test_a_conflict_offers_the_nearest_slots_and_rebooks_in_one_step(
    client_for, conflict, hub_receptionist, practice_system
):
    client = client_for(hub_receptionist)
    page = client.get(reverse("writeback:problem", args=[conflict.public_id]))
    assert page.status_code == 200
    assert b"filled this slot in its own system" in page.content
    nearest = conflict.slots[1]  # 15 minutes earlier: as near as the one after, and first
    assert str(nearest.public_id).encode() in page.content
    moved = client.post(
        reverse("writeback:problem_rebook", args=[conflict.public_id]),
        {"slot": nearest.public_id, "version": conflict.booking.version},
    )
    new_booking = Booking.objects.get(slot=nearest)
    assert moved.status_code == 302
    assert moved["Location"] == reverse("booking:confirmation", args=[new_booking.public_id])
    old = Booking.objects.get(pk=conflict.booking_id)
    assert old.status == Booking.Status.CANCELLED
    assert new_booking.patient_id == old.patient_id
    conflict.refresh_from_db()
    assert conflict.resolved_at is not None
    assert new_booking.write_back == Booking.WriteBack.PENDING
    # Off the worklist, and the new booking reaches the practice system.
    worklist = client.get(reverse("writeback:problems"))
    assert b"LOVELACE" not in worklist.content
    new_message = WriteBackMessage.objects.get(booking=new_booking)
    assert tasks.deliver_write_back(new_message.pk) == State.CONFIRMED
    assert not WriteBackMessage.objects.filter(booking=old, operation="cancel").exists()
    assert AuditEvent.objects.filter(action="write-back.rebook").exists()


def test_rebooking_into_a_slot_just_taken_says_so(
    client_for, conflict, hub_receptionist, practice_a
):
    taken = conflict.slots[1]
    bookings.book_slot(
        by=actor_for(hub_receptionist),
        slot=taken,
        patient=PatientFactory(registered_practice=practice_a),
    )
    response = client_for(hub_receptionist).post(
        reverse("writeback:problem_rebook", args=[conflict.public_id]),
        {"slot": taken.public_id, "version": conflict.booking.version},
    )
    assert response.status_code == 409
    assert b"Someone has just booked that slot" in response.content
    assert Booking.objects.get(pk=conflict.booking_id).status == Booking.Status.BOOKED


def test_another_practice_cannot_see_or_act_on_a_conflict(client_for, conflict, practice_manager_b):
    client = client_for(practice_manager_b)
    assert client.get(reverse("writeback:problem", args=[conflict.public_id])).status_code == 404
    response = client.post(
        reverse("writeback:problem_rebook", args=[conflict.public_id]),
        {"slot": conflict.slots[1].public_id, "version": conflict.booking.version},
    )
    assert response.status_code == 404
    assert Booking.objects.get(pk=conflict.booking_id).status == Booking.Status.BOOKED


def test_a_dead_write_back_is_sent_again_from_the_worklist(
    client_for,
    publish,
    hub_receptionist,
    hub_books_for_a,
    patient_a,
    practice_a,
    practice_system,
    settings,
):
    settings.WRITE_BACK_MAX_ATTEMPTS = 1
    slot = publish()[0].slots.first()
    Slot.objects.filter(pk=slot.pk).update(external_id="slot-1")
    slot.refresh_from_db()
    _link(practice_a)
    booking = bookings.book_slot(by=actor_for(hub_receptionist), slot=slot, patient=patient_a)
    message = WriteBackMessage.objects.get(booking=booking)
    practice_system.faults["book"] = [Unavailable("503 Service Unavailable")]
    assert tasks.deliver_write_back(message.pk) == State.DEAD
    client = client_for(hub_receptionist)
    page = client.get(reverse("writeback:problem", args=[message.public_id]))
    assert b"503 Service Unavailable" in page.content
    assert b"Send to the practice system again" in page.content
    sent = client.post(reverse("writeback:problem_retry", args=[message.public_id]))
    assert sent.status_code == 302
    message.refresh_from_db()
    assert message.state == State.PENDING
    assert tasks.deliver_write_back(message.pk) == State.CONFIRMED
    booking.refresh_from_db()
    assert booking.write_back == Booking.WriteBack.CONFIRMED


def test_a_conflict_cannot_be_sent_again(client_for, conflict, hub_receptionist):
    response = client_for(hub_receptionist).post(
        reverse("writeback:problem_retry", args=[conflict.public_id]), follow=True
    )
    assert b"Only a write-back that gave up or was refused" in response.content
    conflict.refresh_from_db()
    assert conflict.state == State.CONFLICT


def test_bookings_into_vanished_slots_are_flagged(client_for, hub_receptionist, practice_a, hub):
    message = write_back_problem_at(practice_a, made_by=hub, state=State.CONFIRMED)
    Slot.objects.filter(pk=message.booking.slot_id).update(vanished_at=timezone.now())
    page = client_for(hub_receptionist).get(reverse("writeback:problems"))
    assert b"Slots the practice system no longer offers" in page.content
    assert reverse("booking:booking", args=[message.booking.public_id]).encode() in page.content


# The practice's switch -------------------------------------------------------------------


def test_the_practice_manager_turns_the_link_on_and_sees_its_state(
    client_for, practice_manager_a, practice_a
):
    link = ClinicalSystemLink.objects.create(practice=practice_a, base_url="http://a.test/")
    client = client_for(practice_manager_a)
    page = client.get(reverse("writeback:clinical_system_link"))
    assert b"Turn the link on" in page.content
    assert b"Never" in page.content  # no success yet
    response = client.post(
        reverse("writeback:clinical_system_link"), {"enabled": "on"}, follow=True
    )
    assert b"The link is on" in response.content
    assert b"Turn the link off" in response.content
    link.refresh_from_db()
    assert link.enabled and link.switched_by == practice_manager_a
    assert AuditEvent.objects.filter(action="clinical-system-link.on").exists()


def test_a_practice_without_a_link_is_told_how_to_get_one(client_for, practice_manager_a):
    page = client_for(practice_manager_a).get(reverse("writeback:clinical_system_link"))
    assert b"no link to your clinical system yet" in page.content


def test_only_the_practice_manager_may_switch(
    client_for, practice_a, receptionist_practice_a, hub_manager
):
    ClinicalSystemLink.objects.create(practice=practice_a, base_url="http://a.test/")
    for user in (receptionist_practice_a, hub_manager):
        response = client_for(user).post(
            reverse("writeback:clinical_system_link"), {"enabled": "on"}
        )
        assert response.status_code == 403
    assert not ClinicalSystemLink.objects.get(practice=practice_a).enabled


def test_signed_out_visitors_are_sent_to_sign_in(client, conflict):
    for url in (
        reverse("writeback:problems"),
        reverse("writeback:problem", args=[conflict.public_id]),
        reverse("writeback:problem_done", args=[conflict.public_id]),
        reverse("writeback:clinical_system_link"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# Alerts ----------------------------------------------------------------------------------------


def test_booking_staff_of_both_organisations_see_a_conflict_alert_on_their_home_page(
    client_for, conflict, hub_receptionist, receptionist_practice_a, receptionist_practice_b
):
    for user in (hub_receptionist, receptionist_practice_a):
        home = client_for(user).get(reverse("home")).content.decode()
        assert "1 practice system alert" in home
        assert "slot in its own system, but Aire Valley Hub had booked it" in home
        assert f'href="{reverse("writeback:problems")}"' in home
        assert "LOVELACE" not in home
    other = client_for(receptionist_practice_b).get(reverse("home")).content.decode()
    assert "practice system alert" not in other


def test_the_practice_manager_sees_the_alert_among_the_organisations_alerts(
    client_for, conflict, practice_manager_a
):
    page = client_for(practice_manager_a).get(reverse("governance:alerts")).content.decode()
    assert "Practice system conflict" in page
    assert f'<a href="{reverse("writeback:problems")}">See the problems' in page


def test_rebooking_the_conflict_clears_the_alerts(client_for, conflict, hub_receptionist):
    client_for(hub_receptionist).post(
        reverse("writeback:problem_rebook", args=[conflict.public_id]),
        {"slot": conflict.slots[3].public_id, "version": conflict.booking.version},
    )
    assert Alert.objects.count() == 2
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()
    home = client_for(hub_receptionist).get(reverse("home")).content.decode()
    assert "practice system alert" not in home


# Bookings to enter by hand (ADR 0003) ------------------------------------------------------------


@pytest.fixture
def by_hand(publish, hub_receptionist, hub_books_for_a, patient_a, practice_a):
    """The hub's booking into a session practice A published in Hub Diary before it turned its
    link on: it is not in the practice system."""
    slot = publish()[0].slots.first()
    _link(practice_a)
    booking = bookings.book_slot(
        by=actor_for(hub_receptionist), slot=slot, patient=patient_a, description="Asthma review"
    )
    return WriteBackMessage.objects.get(booking=booking)


def test_a_booking_to_enter_by_hand_is_listed_and_marked_done(
    client_for, by_hand, receptionist_practice_a, hub_receptionist
):
    client = client_for(receptionist_practice_a)
    listed = client.get(reverse("writeback:problems")).content.decode()
    page_url = reverse("writeback:problem", args=[by_hand.public_id])
    assert page_url in listed and "Enter by hand" in listed
    page = client.get(page_url).content.decode()
    assert "Enter this booking in Riverside Medical Centre's system by hand" in page
    assert "Asthma review" in page  # what to enter: the details, the patient's NHS number
    assert format_nhs_number(by_hand.booking.patient.nhs_number) in page
    done = client.post(reverse("writeback:problem_done", args=[by_hand.public_id]), follow=True)
    assert b"Marked as entered in the practice system" in done.content
    assert page_url not in done.content.decode()
    by_hand.booking.refresh_from_db()
    assert by_hand.booking.write_back == Booking.WriteBack.ENTERED
    # The hub sees it settled too; the problem page has gone for both.
    assert client_for(hub_receptionist).get(page_url).status_code == 404


def test_marking_a_conflict_as_entered_by_hand_is_refused(client_for, conflict, hub_receptionist):
    response = client_for(hub_receptionist).post(
        reverse("writeback:problem_done", args=[conflict.public_id]), follow=True
    )
    assert b"Only a change waiting to be entered by hand" in response.content
    conflict.refresh_from_db()
    assert conflict.resolved_at is None


def test_another_practice_cannot_mark_a_booking_entered(
    client_for, by_hand, receptionist_practice_b
):
    response = client_for(receptionist_practice_b).post(
        reverse("writeback:problem_done", args=[by_hand.public_id])
    )
    assert response.status_code == 404
    by_hand.refresh_from_db()
    assert by_hand.resolved_at is None


def test_turning_the_link_on_says_how_many_bookings_to_enter_by_hand(
    client_for,
    publish,
    hub_receptionist,
    hub_books_for_a,
    patient_a,
    practice_manager_a,
    practice_a,
):
    slots = list(publish()[0].slots.order_by("start"))
    for slot in slots[:2]:
        bookings.book_slot(by=actor_for(hub_receptionist), slot=slot, patient=patient_a)
    ClinicalSystemLink.objects.create(practice=practice_a, base_url="http://a.test/")
    response = client_for(practice_manager_a).post(
        reverse("writeback:clinical_system_link"), {"enabled": "on"}, follow=True
    )
    assert b"2 bookings made in Hub Diary are not in your clinical system" in response.content
    assert WriteBackMessage.objects.filter(state=State.MANUAL).count() == 2


def test_publishing_a_session_while_the_link_is_on_explains_why_not(
    client_for, practice_manager_a, practice_a
):
    from booking.models import Session
    from tests.booking.views.test_sessions import _session_form
    from tests.factories import SiteFactory

    site = SiteFactory(organisation=practice_a)
    _link(practice_a)
    response = client_for(practice_manager_a).post(
        reverse("booking:session_publish"), _session_form(site)
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "link to its clinical system is on, so its sessions come from there" in content
    assert not Session.objects.exists()
