"""The GOV.UK Notify backend over real HTTP, against a local server that answers as Notify's
API does and checks the signed token Notify requires."""

import pytest

from notifications.backends import NotifyBackend
from tests.notifications.notify_stand_in import SERVICE_ID, SMS_ID, TEMPLATE_ID


def test_email_goes_to_notify_signed_with_the_services_key(notify):
    reference = NotifyBackend().send_email(
        to="key.worker@example.nhs.uk",
        template="review-due",
        personalisation={"plan": "care plan", "due": "1 May 2027", "link": "https://x/"},
        reference="review:abc:1",
    )
    assert reference == "notify-id-1"
    [request] = notify.received
    assert request["path"] == "/v2/notifications/email"
    assert request["issuer"] == SERVICE_ID
    assert request["body"] == {
        "email_address": "key.worker@example.nhs.uk",
        "template_id": TEMPLATE_ID,
        "personalisation": {"plan": "care plan", "due": "1 May 2027", "link": "https://x/"},
        "reference": "review:abc:1",
    }


def test_a_template_without_a_notify_id_fails_loudly(notify):
    with pytest.raises(KeyError):
        NotifyBackend().send_email(
            to="a@example.nhs.uk", template="task-assigned", personalisation={}, reference="r"
        )
    assert notify.received == []


def test_a_text_goes_to_notify_with_the_text_templates_id(notify):
    NotifyBackend().send_sms(
        to="+447700900123",
        template="appointment-reminder",
        personalisation={"when": "Monday 7 December at 6:30pm", "place": "X", "phone": "0"},
        reference="booking:1:reminder:sms",
    )
    [request] = notify.received
    assert request["path"] == "/v2/notifications/sms"
    assert request["body"]["phone_number"] == "+447700900123"
    assert request["body"]["template_id"] == SMS_ID


def test_notify_is_asked_how_a_message_went(notify):
    notify.statuses["notify-id-9"] = "temporary-failure"
    assert NotifyBackend().delivery_status("notify-id-9") == "temporary-failure"
    assert notify.paths == ["/v2/notifications/notify-id-9"]
