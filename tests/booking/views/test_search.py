"""Pooled search and the pooled diary: free slots across the practices that share with the
searcher, narrowed by what the patient needs, a page at a time, at a fixed query cost."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import Audience
from booking.services import bookings
from booking.services.sessions import RuleSpec
from governance.models import Scope
from practices.roles import Role
from tests.factories import PatientFactory, PracticeFactory, staff
from tests.governance.helpers import actor_for, agreement


@pytest.fixture
def hub_books_for_b(hub, practice_b, practice_manager_b):
    return agreement(practice_b, hub, Scope.BOOKING, by=practice_manager_b)


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def _pooled_practice(hub, by) -> tuple:
    """Another member practice sharing its diary with the hub, and its manager."""
    practice = PracticeFactory()
    hub.member_practices.add(practice)
    agreement(practice, hub, Scope.BOOKING, by=by)
    return practice, staff(practice, Role.PRACTICE_MANAGER)


# Search ------------------------------------------------------------------------------------


def test_search_asks_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("booking:search"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_roles_that_do_not_book_cannot_search(client_for, ig_lead_a):
    assert client_for(ig_lead_a).get(reverse("booking:search")).status_code == 403


def test_search_shows_free_slots_only_at_practices_that_share_with_the_hub(
    client_for, hub_receptionist, publish, practice_manager_b, hub_books_for_a
):
    shared = publish()[0]
    publish(manager=practice_manager_b)  # B shares nothing with the hub
    page = client_for(hub_receptionist).get(reverse("booking:search"))
    assert page.content.count(b">Book<span") == shared.slots.count()
    assert b"Riverside Medical Centre" in page.content
    assert b"Kirkgate Surgery" not in page.content.split(b'id="slot-results"')[1]


def test_search_leaves_out_slots_not_yet_released_to_the_hub(
    client_for, hub_receptionist, publish, hub_books_for_a
):
    publish(rules=(RuleSpec(audience=Audience.URGENT_CARE),))
    publish(rules=(RuleSpec(audience=Audience.HUB, opens="before-start", opens_minutes_before=60),))
    page = client_for(hub_receptionist).get(reverse("booking:search"))
    assert b"No free slots match" in page.content


def test_search_narrows_by_time_of_day_days_and_practice(
    client_for, hub_receptionist, hub, publish, practice_manager_b, hub_books_for_a, hub_books_for_b
):
    publish(start=datetime.time(9), end=datetime.time(10), minutes=30)
    publish(manager=practice_manager_b)
    client = client_for(hub_receptionist)
    url = reverse("booking:search")
    evening = client.get(url, {"time_of_day": "evening"})
    assert b"Kirkgate Surgery" in evening.content
    assert evening.content.count(b">Book<span") == 6
    morning = client.get(url, {"time_of_day": "morning"})
    assert morning.content.count(b">Book<span") == 2
    practice_b = hub.member_practices.get(ods_code="B20002")
    only_b = client.get(url, {"practice": practice_b.public_id})
    assert only_b.content.count(b">Book<span") == 6
    day = timezone.localdate() + datetime.timedelta(days=2)
    other = "weekday" if day.isoweekday() > 5 else "weekend"
    assert b"No free slots match" in client.get(url, {"days": other}).content


def test_a_date_range_ending_before_it_starts_is_explained(client_for, hub_receptionist, hub):
    today = timezone.localdate()
    response = client_for(hub_receptionist).get(
        reverse("booking:search"),
        {
            "date_from_day": today.day,
            "date_from_month": today.month,
            "date_from_year": today.year + 1,
            "date_to_day": today.day,
            "date_to_month": today.month,
            "date_to_year": today.year,
        },
    )
    assert b"There is a problem" in response.content
    assert b"The end date must be on or after the start date" in response.content


def test_the_next_page_carries_on_after_the_last_slot_shown(
    client_for, hub_receptionist, publish, hub_books_for_a
):
    publish(start=datetime.time(8), end=datetime.time(15), minutes=15)  # 28 slots
    client = client_for(hub_receptionist)
    first = client.get(reverse("booking:search"), {"time_of_day": "morning"})
    assert first.content.count(b">Book<span") == 16
    first = client.get(reverse("booking:search"))
    assert first.content.count(b">Book<span") == 25
    after = re.search(rb'href="\?after=([^"&]+)"', first.content).group(1).decode()
    second = client.get(reverse("booking:search"), {"after": after.replace("%3A", ":")})
    assert second.content.count(b">Book<span") == 3
    assert b"Next page" not in second.content and b"First page" in second.content


def test_a_tampered_page_marker_starts_from_the_beginning(
    client_for, hub_receptionist, publish, hub_books_for_a
):
    publish()
    page = client_for(hub_receptionist).get(reverse("booking:search"), {"after": "1:2:3"})
    assert page.content.count(b">Book<span") == 6


def test_searching_for_a_patient_carries_them_to_the_booking_page(
    client_for, hub_receptionist, publish, hub_books_for_a, patient_a
):
    slot = publish()[0].slots.order_by("start").first()
    page = client_for(hub_receptionist).get(
        reverse("booking:search"), {"patient": patient_a.public_id}
    )
    assert b"Booking for <strong>Ada LOVELACE</strong>" in page.content
    book = f"{reverse('booking:book', args=[slot.public_id])}?patient={patient_a.public_id}"
    assert book.encode() in page.content


def test_htmx_gets_just_the_results(client_for, hub_receptionist, publish, hub_books_for_a):
    publish()
    page = client_for(hub_receptionist).get(
        reverse("booking:search"), headers={"HX-Request": "true"}
    )
    assert b">Book<span" in page.content and b"<html" not in page.content


def test_search_query_count_does_not_grow_with_slots_or_practices(
    client_for, hub_receptionist, hub, publish, practice_manager_a, hub_books_for_a, patient_a
):
    publish()
    client = client_for(hub_receptionist)
    url = reverse("booking:search")
    params = {"patient": patient_a.public_id}
    few = _queries(client, url, params)
    for _ in range(3):
        _, manager = _pooled_practice(hub, practice_manager_a)
        publish(manager=manager, start=datetime.time(9), end=datetime.time(17), minutes=10)
    assert _queries(client, url, params) == few


# The pooled diary --------------------------------------------------------------------------


def test_the_pooled_diary_shows_sessions_across_practices_with_book_links(
    client_for, hub_receptionist, publish, practice_manager_b, hub_books_for_a, hub_books_for_b
):
    slot = publish()[0].slots.order_by("start").first()
    publish(manager=practice_manager_b, start=datetime.time(19), end=datetime.time(20))
    day = timezone.localtime(slot.start).date().isoformat()
    page = client_for(hub_receptionist).get(reverse("booking:diary"), {"date": day})
    assert b"6:30pm to 8pm, Riverside Medical Centre" in page.content
    assert b"7pm to 8pm, Kirkgate Surgery" in page.content
    assert reverse("booking:book", args=[slot.public_id]).encode() in page.content


def test_the_pooled_diary_names_only_the_hubs_own_bookings(
    client_for,
    hub_receptionist,
    publish,
    hub_books_for_a,
    patient_a,
    practice_a,
    receptionist_practice_a,
):
    slots = list(publish()[0].slots.order_by("start"))
    bookings.book_slot(by=actor_for(hub_receptionist), slot=slots[0], patient=patient_a)
    other = PatientFactory(registered_practice=practice_a, family_name="Elsewhere")
    bookings.book_slot(by=actor_for(receptionist_practice_a), slot=slots[1], patient=other)
    day = timezone.localtime(slots[0].start).date().isoformat()
    page = client_for(hub_receptionist).get(reverse("booking:diary"), {"date": day})
    assert b"Ada LOVELACE" in page.content
    assert b"ELSEWHERE" not in page.content
    assert page.content.count(b"nhsuk-tag--blue") == 2  # both slots show as booked


def test_an_embargoed_slot_says_when_it_opens(
    client_for, hub_receptionist, publish, hub_books_for_a
):
    rule = RuleSpec(audience=Audience.HUB, opens="before-start", opens_minutes_before=60)
    slot = publish(rules=(rule,))[0].slots.order_by("start").first()
    day = timezone.localtime(slot.start).date().isoformat()
    page = client_for(hub_receptionist).get(reverse("booking:diary"), {"date": day})
    assert b"Not open yet" in page.content and b"from 5:30pm" in page.content
    assert reverse("booking:book", args=[slot.public_id]).encode() not in page.content


def test_slots_released_only_to_named_organisations_are_hidden_from_others(
    client_for, hub_receptionist, publish, hub_books_for_a
):
    rule = RuleSpec(audience=Audience.HUB, ods_codes=("Y99999",))
    slot = publish(rules=(rule,))[0].slots.first()
    day = timezone.localtime(slot.start).date().isoformat()
    page = client_for(hub_receptionist).get(reverse("booking:diary"), {"date": day})
    assert b"No slots released to Aire Valley Hub" in page.content


@pytest.mark.parametrize("view", ["day", "week"])
def test_pooled_diary_query_count_does_not_grow_with_slots_or_practices(
    client_for, hub_receptionist, hub, publish, practice_manager_a, hub_books_for_a, patient_a, view
):
    slots = list(publish()[0].slots.all())
    bookings.book_slot(by=actor_for(hub_receptionist), slot=slots[0], patient=patient_a)
    client = client_for(hub_receptionist)
    params = {"date": timezone.localtime(slots[0].start).date().isoformat(), "view": view}
    url = reverse("booking:diary")
    few = _queries(client, url, params)
    for _ in range(3):
        _, manager = _pooled_practice(hub, practice_manager_a)
        [session] = publish(manager=manager, start=datetime.time(9), end=datetime.time(12))
        bookings.book_slot(
            by=actor_for(hub_receptionist),
            slot=session.slots.first(),
            patient=PatientFactory(registered_practice=hub_books_for_a.practice),
        )
    assert _queries(client, url, params) == few


def test_asked_for_no_day_the_pooled_diary_opens_on_the_next_day_with_free_slots(
    client_for, hub_receptionist, publish, hub_books_for_a
):
    slot = publish(days_ahead=3)[0].slots.order_by("start").first()
    page = client_for(hub_receptionist).get(reverse("booking:diary")).content.decode()
    assert timezone.localtime(slot.start).strftime("%A %-d %B %Y") in page
    assert "No free slots are left for you today" in page
    assert reverse("booking:book", args=[slot.public_id]) in page
    # Asked for a day, it shows that day, empty or not.
    today = timezone.localdate().isoformat()
    asked = client_for(hub_receptionist).get(reverse("booking:diary"), {"date": today})
    assert "No free slots are left" not in asked.content.decode()


def test_with_nothing_released_the_pooled_diary_opens_on_today(client_for, hub_receptionist):
    page = client_for(hub_receptionist).get(reverse("booking:diary")).content.decode()
    assert timezone.localdate().strftime("%A %-d %B %Y") in page
    assert "No free slots are left" not in page
