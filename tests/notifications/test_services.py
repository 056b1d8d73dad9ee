"""Email goes once per key, after the change it reports commits; a failure is tried again
by the scheduled job until it goes or gives up loudly."""

import datetime
import logging

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.backends import RecordingBackend
from notifications.models import Message
from notifications.services import MAX_ATTEMPTS, send_email, send_pending

pytestmark = pytest.mark.django_db(transaction=True)

REVIEW = {"plan": "care plan", "due": "1 May 2027", "link": "/care-tracker/records/x/"}


class Refusing(RecordingBackend):
    def send_email(self, **message):
        raise ConnectionError("Notify is down")


def test_a_key_sends_once(sent_email):
    assert send_email(key="k", to="a@example.nhs.uk", template="review-due", personalisation=REVIEW)
    assert not send_email(
        key="k", to="a@example.nhs.uk", template="review-due", personalisation=REVIEW
    )
    assert len(sent_email) == 1
    message = Message.objects.get()
    assert message.status == Message.Status.SENT and message.personalisation == {}


def test_nothing_goes_if_the_change_is_rolled_back(sent_email):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_email(key="k", to="a@example.nhs.uk", template="review-due", personalisation=REVIEW)
        raise RuntimeError
    assert sent_email == [] and not Message.objects.exists()


def test_links_are_made_absolute_with_the_sites_address(sent_email, settings):
    settings.SITE_URL = "https://hubdiary.example.nhs.uk/"
    send_email(key="k", to="a@example.nhs.uk", template="review-due", personalisation=REVIEW)
    assert "https://hubdiary.example.nhs.uk/care-tracker/records/x/" in sent_email[0]["body"]


def test_a_failure_is_tried_again_and_then_given_up_loudly(sent_email, settings, caplog):
    settings.NOTIFICATIONS_BACKEND = f"{__name__}.Refusing"
    send_email(key="k", to="a@example.nhs.uk", template="review-due", personalisation=REVIEW)
    message = Message.objects.get()
    assert message.status == Message.Status.FAILED and "Notify is down" in message.error
    assert message.personalisation  # kept, to send later
    settings.NOTIFICATIONS_BACKEND = "notifications.backends.RecordingBackend"
    assert send_pending() == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and len(sent_email) == 1
    assert send_pending() == 0

    settings.NOTIFICATIONS_BACKEND = f"{__name__}.Refusing"
    send_email(key="k2", to="b@example.nhs.uk", template="review-due", personalisation=REVIEW)
    with caplog.at_level(logging.ERROR, logger="notifications.services"):
        for _ in range(MAX_ATTEMPTS):
            send_pending()
    assert Message.objects.get(key="k2").attempts == MAX_ATTEMPTS
    assert "Gave up sending k2" in caplog.text


def test_a_message_a_stopped_process_left_is_sent_later(sent_email):
    Message.objects.create(
        key="k", to="a@example.nhs.uk", template="review-due", personalisation=REVIEW
    )
    assert send_pending() == 0  # it may still be on its way
    later = timezone.now() + datetime.timedelta(minutes=10)
    assert send_pending(now=later) == 1 and len(sent_email) == 1


def test_an_unknown_template_is_refused():
    with pytest.raises(ValueError, match="no template"):
        send_email(key="k", to="a@example.nhs.uk", template="nonsense", personalisation={})
