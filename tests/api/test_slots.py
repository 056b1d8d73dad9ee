"""Free-slot search through the API: what it returns, its filters, its cursor and its
query budget."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import DeliveryChannel, Slot
from governance.models import Scope
from practices.models import Clinician
from tests.api.helpers import (
    SEARCH,
    days_ahead_to,
    error_of,
    slots_of,
    token_client,
)
from tests.governance.helpers import agreement

# Search ---------------------------------------------------------------------------------------


def test_search_returns_free_slots_in_start_order_with_offsets(
    publish, hub_receptionist, hub_books_for_a
):
    slots = slots_of(publish()[0])
    response = token_client(hub_receptionist).get(SEARCH)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [str(s.public_id) for s in slots]
    first = results[0]
    assert datetime.datetime.fromisoformat(first["start"]) == slots[0].start
    assert first["start"].endswith(("Z", "+01:00"))  # an offset, always
    assert first["practice"] == {"ods_code": "A10001", "name": "Riverside Medical Centre"}
    assert first["delivery_channel"] == DeliveryChannel.IN_PERSON
    assert response.json()["next_cursor"] is None


def test_search_times_are_written_as_drf_writes_them_in_summer_and_winter():
    from rest_framework import serializers

    from api.serializers import _when

    zone = timezone.get_current_timezone()
    for moment in (
        datetime.datetime(2026, 1, 15, 18, 30, tzinfo=datetime.UTC),  # GMT: written as Z
        datetime.datetime(2026, 7, 15, 18, 30, 15, 5, tzinfo=datetime.UTC),  # BST: +01:00
        datetime.datetime(2026, 10, 25, 0, 59, tzinfo=datetime.UTC),  # the hour before the change
    ):
        assert _when(moment, zone) == serializers.DateTimeField().to_representation(moment)


def test_search_results_are_exactly_what_the_slot_schema_describes(
    publish, hub_receptionist, hub_books_for_a
):
    """Search writes its rows by hand (slot_json) for speed; SlotSerializer documents them.
    The two must agree, for a named clinician and for a role alone."""
    from api.serializers import SlotSerializer, slot_json
    from booking.search import free_slots_for
    from governance.audit import Actor
    from practices.models import Membership

    named = slots_of(publish()[0])
    Slot.objects.filter(pk=named[1].pk).update(clinician=None)
    membership = Membership.objects.get(user=hub_receptionist)
    actor = Actor(user=hub_receptionist, membership=membership)
    now = timezone.now()
    found = free_slots_for(actor=actor, start=now, end=now + datetime.timedelta(days=14))
    assert any(s.clinician is None for s in found) and any(s.clinician for s in found)
    for free_slot in found:
        model = Slot.objects.select_related("practice", "site", "clinician").get(pk=free_slot.pk)
        assert slot_json(free_slot) == dict(SlotSerializer(model).data)
        assert slot_json(free_slot) == dict(SlotSerializer(free_slot).data)
    response = token_client(hub_receptionist).get(SEARCH)
    assert response.json()["results"] == [json.loads(json.dumps(slot_json(s))) for s in found]


def test_search_filters_narrow_the_slots(
    publish, hub_receptionist, hub_books_for_a, hub, practice_b, practice_manager_b
):
    agreement(practice_b, hub, Scope.BOOKING, by=practice_manager_b)
    weekday_at_a = publish(days_ahead=days_ahead_to(weekend=False))[0]
    weekend_at_a = publish(
        days_ahead=days_ahead_to(weekend=True), start=datetime.time(9), end=datetime.time(10)
    )[0]
    nurse_at_b = publish(
        manager=practice_manager_b,
        days_ahead=days_ahead_to(weekend=False),
        role=Clinician.JobRole.PRACTICE_NURSE,
    )[0]
    client = token_client(hub_receptionist)

    def found(**params) -> set:
        response = client.get(SEARCH, params)
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    def ids(*sessions) -> set:
        return {str(s.public_id) for session in sessions for s in session.slots.all()}

    assert found(practice="b20002") == ids(nurse_at_b)
    assert found(practice=["A10001", "B20002"]) == ids(weekday_at_a, weekend_at_a, nurse_at_b)
    assert found(practitioner_role=Clinician.JobRole.PRACTICE_NURSE) == ids(nurse_at_b)
    assert found(days="weekends") == ids(weekend_at_a)
    assert found(days="weekdays") == ids(weekday_at_a, nurse_at_b)
    assert found(from_time="08:00", to_time="12:00") == ids(weekend_at_a)
    assert found(site=str(weekend_at_a.site.public_id)) == ids(weekend_at_a)
    assert found(delivery_channel="Video") == set()
    assert found(slot_type="Routine appointment") == ids(weekday_at_a, weekend_at_a, nurse_at_b)
    assert found(slot_type="Smear test") == set()
    later = timezone.now() + datetime.timedelta(days=20)
    assert (
        found(start=later.isoformat(), end=(later + datetime.timedelta(days=1)).isoformat())
        == set()
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"practice": "Y99999"}, "practice"),  # not a practice the hub books into
        ({"end": "2020-01-01T00:00:00Z"}, "end"),
        ({"start": "2031-01-01T00:00:00Z", "end": "2031-01-16T00:00:00Z"}, "end"),
        ({"from_time": "20:00", "to_time": "18:00"}, "to_time"),
        ({"page_size": "51"}, "page_size"),
        ({"practitioner_role": "surgeon"}, "practitioner_role"),
        ({"cursor": "made-up"}, "cursor"),
        ({"site": "not-a-uuid"}, "site"),
    ],
)
def test_search_explains_what_is_wrong_with_a_parameter(
    hub_receptionist, hub_books_for_a, params, field
):
    response = token_client(hub_receptionist).get(SEARCH, params)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["details"]["fields"]) == [field]


def test_search_pages_with_an_opaque_cursor(publish, hub_receptionist, hub_books_for_a):
    slots = slots_of(publish()[0]) + slots_of(publish(days_ahead=3)[0])
    client = token_client(hub_receptionist)
    seen, cursor, pages = [], None, 0
    while True:
        response = client.get(SEARCH, {"page_size": 5, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        page = response.json()
        seen += [r["id"] for r in page["results"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert not cursor.isdigit()  # opaque, not a row number
        forged = cursor[:-1] + ("A" if cursor[-1] != "A" else "B")
        refused = client.get(SEARCH, {"page_size": 5, "cursor": forged})
        assert "cursor" in error_of(refused)["details"]["fields"]
    assert pages == 3
    assert seen == [str(s.public_id) for s in slots]


def test_search_queries_do_not_grow_with_slots_or_practices(
    publish, hub_receptionist, hub_books_for_a, hub, practice_b, practice_manager_b
):
    client = token_client(hub_receptionist)
    publish()
    with CaptureQueriesContext(connection) as few:
        response = client.get(SEARCH)
    assert len(response.json()["results"]) == 6
    agreement(practice_b, hub, Scope.BOOKING, by=practice_manager_b)
    publish(manager=practice_manager_b, weeks=2)
    publish(days_ahead=3, minutes=5, weeks=2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(SEARCH)
    assert len(response.json()["results"]) == 50
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_a_booking_role_at_a_practice_that_shares_nothing_sees_only_its_own_slots(
    publish, practice_manager_b, receptionist_practice_a, hub_books_for_a
):
    publish(manager=practice_manager_b)
    own = publish()[0]
    response = token_client(receptionist_practice_a).get(SEARCH)
    assert {r["id"] for r in response.json()["results"]} == {
        str(s.public_id) for s in own.slots.all()
    }
