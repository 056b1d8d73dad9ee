"""GOV.UK Notify's delivery receipts: accepted only with the token we gave Notify, each one
recorded once, and one that is not ours acknowledged so that Notify stops sending it."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from notifications.models import Message

TOKEN = "a-long-random-callback-token"


@pytest.fixture
def sent(db, settings):
    settings.NOTIFY_CALLBACK_TOKEN = TOKEN
    return Message.objects.create(
        key="booking:1:booked",
        channel=Message.Channel.SMS,
        to="+447700900123",
        template="appointment-booked",
        status=Message.Status.SENT,
        reference="740e5834-3a29-46b4-9a6f-16142fde533a",
    )


def _receipt(message: Message, status: str, **fields) -> dict:
    """A receipt as Notify sends one."""
    return {
        "id": message.reference,
        "reference": message.key,
        "to": message.to,
        "status": status,
        "created_at": "2026-12-04T10:00:00.000000Z",
        "completed_at": "2026-12-04T10:00:05.000000Z",
        "sent_at": "2026-12-04T10:00:01.000000Z",
        "notification_type": "sms",
        "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a",
        "template_version": 1,
        **fields,
    }


def _post(client: Client, body, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(
        reverse("notify_receipts"),
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("delivered", Message.Status.DELIVERED),
        ("permanent-failure", Message.Status.UNDELIVERED),
        ("temporary-failure", Message.Status.UNDELIVERED),
        ("technical-failure", Message.Status.UNDELIVERED),
    ],
)
def test_a_receipt_sets_the_messages_state_once(sent, status, state):
    client = Client(enforce_csrf_checks=True)  # Notify has no CSRF token: none is asked for
    assert _post(client, _receipt(sent, status)).status_code == 200
    sent.refresh_from_db()
    first = sent.status_changed_at
    assert (sent.status, sent.delivery_status) == (state, status)
    assert first.isoformat().startswith("2026-12-04T10:00:05")

    assert _post(client, _receipt(sent, status, completed_at=None)).status_code == 200
    sent.refresh_from_db()
    assert (sent.status, sent.status_changed_at) == (state, first)  # the same news: no change


@pytest.mark.parametrize("token", ["wrong-token", TOKEN.upper(), "", None, TOKEN + "x"])
def test_a_receipt_without_the_token_is_refused(client, sent, token):
    response = _post(client, _receipt(sent, "delivered"), token=token)
    assert response.status_code == 401
    sent.refresh_from_db()
    assert sent.status == Message.Status.SENT and sent.delivery_status == ""


def test_receipts_are_refused_while_no_token_is_set(client, sent, settings):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert _post(client, _receipt(sent, "delivered"), token="").status_code == 401
    sent.refresh_from_db()
    assert sent.status == Message.Status.SENT


def test_a_receipt_for_a_message_not_ours_is_acknowledged_and_changes_nothing(client, sent):
    stranger = _receipt(sent, "delivered", id="someone-elses", reference="not-ours")
    assert _post(client, stranger).status_code == 200
    sent.refresh_from_db()
    assert sent.status == Message.Status.SENT


def test_a_receipt_finds_a_message_by_our_reference_when_we_missed_notifys_id(client, sent):
    Message.objects.filter(pk=sent.pk).update(status=Message.Status.FAILED, reference="")
    body = _receipt(sent, "delivered", id="740e5834-3a29-46b4-9a6f-16142fde533a")
    assert _post(client, body).status_code == 200
    sent.refresh_from_db()
    assert sent.status == Message.Status.DELIVERED
    assert sent.reference == "740e5834-3a29-46b4-9a6f-16142fde533a"


@pytest.mark.parametrize("body", [{"status": "delivered"}, {"id": "x"}, [], "delivered"])
def test_a_receipt_that_is_not_one_is_refused(client, sent, body):
    assert _post(client, body).status_code == 400


def test_receipts_are_posted(client, sent):
    response = client.get(reverse("notify_receipts"), headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 405
