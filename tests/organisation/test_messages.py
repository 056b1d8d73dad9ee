"""Messages to patients: staff who book see their organisation's, failed first, newest
first, addresses masked; no other organisation's, and no one who does not book."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Message
from practices.roles import Role
from tests.factories import staff

URL = reverse("organisation:messages")


def _message(organisation, status=Message.Status.SENT, **fields) -> Message:
    n = Message.objects.count()
    return Message.objects.create(
        **{
            "key": f"booking:{n}:booked",
            "organisation_id": organisation.pk,
            "status": status,
            "template": "appointment-booked",
            "to": f"patient{n}@example.com",
            **fields,
        }
    )


def test_the_page_needs_a_signed_in_member_of_staff(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.IG_LEAD, Role.CARE_COORDINATOR])
def test_staff_who_do_not_book_cannot_see_it(client_for, practice_a, role):
    _message(practice_a, Message.Status.FAILED)
    response = client_for(staff(practice_a, role)).get(URL)
    assert response.status_code == 403
    assert b"patient0" not in response.content


def test_the_hub_sees_failed_first_with_notifys_word_and_the_last_error(
    client_for, hub_receptionist, hub
):
    _message(
        hub,
        Message.Status.UNDELIVERED,
        channel=Message.Channel.SMS,
        to="+447700900123",
        template="appointment-reminder",
        delivery_status="permanent-failure",
        attempts=1,
    )
    _message(hub, Message.Status.FAILED, attempts=3, error="HTTPError: 503 - Notify is down")
    _message(hub, Message.Status.DELIVERED, to="delivered@example.com")
    page = client_for(hub_receptionist).get(URL).content.decode()
    assert "Appointment reminder" in page and "Text message" in page
    assert "07••• ••• 123" in page and "+447700900123" not in page and "900123" not in page
    assert "Notify: permanent-failure" in page
    assert "HTTPError: 503 - Notify is down" in page and "<td" in page
    assert "Failed or not delivered (2)" in page and "Delivered (1)" in page
    assert "d•••@example.com" not in page  # delivered: not a problem


def test_every_state_can_be_shown_newest_first_and_masked(client_for, hub_manager, hub):
    old = _message(hub, Message.Status.DELIVERED, to="jane.doe@example.com")
    Message.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=2))
    _message(hub, Message.Status.SENT, to="zack@example.org", template="waiting-list-offer")
    client = client_for(hub_manager)
    everything = client.get(URL, {"show": "all"}).content.decode()
    assert everything.index("z•••@example.org") < everything.index("j•••@example.com")
    assert "jane.doe" not in everything and "zack@" not in everything
    assert "Waiting list offer" in everything and "Appointment booked" in everything
    delivered = client.get(URL, {"show": "delivered"}).content.decode()
    assert "j•••@example.com" in delivered and "z•••@example.org" not in delivered
    on_the_way = client.get(URL, {"show": "on-the-way"}).content.decode()
    assert "z•••@example.org" in on_the_way and "j•••@example.com" not in on_the_way


def test_no_other_organisations_messages_are_shown(
    client_for, hub_receptionist, receptionist_practice_a, hub, practice_a, practice_b
):
    _message(hub, Message.Status.FAILED, to="hubs@example.com")
    _message(practice_a, Message.Status.FAILED, to="practice-a@example.com")
    _message(practice_b, Message.Status.FAILED, to="practice-b@example.com")
    Message.objects.create(key="staff", to="nobody@example.com", template="review-due")
    hub_page = client_for(hub_receptionist).get(URL, {"show": "all"}).content.decode()
    assert "h•••@example.com" in hub_page and "p•••@example.com" not in hub_page
    assert "n•••@example.com" not in hub_page  # a message that concerns no organisation
    practice_page = client_for(receptionist_practice_a).get(URL, {"show": "all"}).content.decode()
    assert practice_page.count("p•••@example.com") == 1 and "h•••@" not in practice_page
    assert "All messages (1)" in practice_page


def test_fifty_a_page_in_the_same_number_of_queries_however_many(client_for, hub_receptionist, hub):
    client = client_for(hub_receptionist)
    _message(hub, Message.Status.FAILED)
    client.get(URL)  # the session and permissions, loaded once
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    Message.objects.bulk_create(
        Message(
            key=f"k{n}",
            organisation_id=hub.pk,
            status=Message.Status.FAILED,
            template="appointment-booked",
            to="a@example.com",
        )
        for n in range(60)
    )
    with CaptureQueriesContext(connection) as many:
        first = client.get(URL).content.decode()
    assert len(many) == len(one)
    assert first.count("a•••@example.com") == 50 and "Page 2 of 2" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert second.count("•••@example.com") == 11


def test_the_home_page_links_to_it_for_those_who_book(client_for, hub_receptionist, practice_a):
    assert URL in client_for(hub_receptionist).get(reverse("home")).content.decode()
    ig_lead = staff(practice_a, Role.IG_LEAD)
    assert URL not in client_for(ig_lead).get(reverse("home")).content.decode()
