"""Text messages, sent once per key, and GOV.UK Notify's delivery receipts."""

import json

import pytest
from django.urls import reverse

from notifications.models import Message
from notifications.services import send_sms, uk_mobile


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("0044 (7700) 900-123", "+447700900123"),
        ("0113 496 0101", None),  # a landline
        ("12345", None),
        ("", None),
    ],
)
def test_uk_mobile_numbers_however_typed(typed, number):
    assert uk_mobile(typed) == number


def test_a_text_is_sent_once_per_key_and_a_landline_not_at_all(
    db, sent_email, django_capture_on_commit_callbacks
):
    values = {"when": "Monday", "place": "Riverside", "phone": "0113"}
    with django_capture_on_commit_callbacks(execute=True):
        assert send_sms(
            key="k",
            to="07700 900123",
            template="appointment-reminder",
            personalisation=values,
            organisation_id=7,
        )
        assert not send_sms(
            key="k", to="07700 900123", template="appointment-reminder", personalisation=values
        )
        assert not send_sms(
            key="k2", to="0113 496 0101", template="appointment-reminder", personalisation=values
        )
    [text] = sent_email
    assert (text["channel"], text["to"]) == ("sms", "+447700900123")
    assert "Reminder: GP appointment Monday at Riverside" in text["body"]
    message = Message.objects.get()
    assert (message.channel, message.status, message.organisation_id) == ("sms", "sent", 7)


@pytest.fixture
def sent(db):
    return Message.objects.create(
        key="k",
        to="a@example.com",
        template="review-due",
        status=Message.Status.SENT,
        reference="notify-id-1",
    )


TOKEN = "s3cret"


def _receipt(client, body, token=TOKEN):
    return client.post(
        reverse("notify_receipts"),
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
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
def test_notifys_receipt_sets_the_messages_state(client, settings, sent, status, state):
    settings.NOTIFY_CALLBACK_TOKEN = "s3cret"
    body = {
        "id": "notify-id-1",
        "reference": "k",
        "status": status,
        "completed_at": "2026-12-04T10:00:00.000000Z",
        "notification_type": "email",
    }
    assert _receipt(client, body).status_code == 200
    assert _receipt(client, body).status_code == 200  # twice: no change
    sent.refresh_from_db()
    assert (sent.status, sent.delivery_status) == (state, status)
    assert sent.status_changed_at.isoformat().startswith("2026-12-04T10:00")


def test_a_receipt_without_the_token_is_refused_and_an_unknown_one_acknowledged(
    client, settings, sent
):
    settings.NOTIFY_CALLBACK_TOKEN = "s3cret"
    body = {"id": "notify-id-1", "status": "delivered"}
    assert _receipt(client, body, token="wrong").status_code == 401
    assert _receipt(client, {"id": "someone-else", "status": "delivered"}).status_code == 200
    assert _receipt(client, {"nothing": 1}).status_code == 400
    sent.refresh_from_db()
    assert sent.status == Message.Status.SENT


def test_receipts_are_refused_while_no_token_is_set(client, settings, sent):
    settings.NOTIFY_CALLBACK_TOKEN = ""
    assert (
        _receipt(client, {"id": "notify-id-1", "status": "delivered"}, token="").status_code == 401
    )
