"""Email and text messages go once per key, after the change they report commits; a failure
is tried again by the scheduled job until it goes or gives up loudly. What Notify says of
each, by receipt or when the job asks, becomes the message's state."""

import datetime
import logging

import pytest
from django.db import transaction
from django.utils import timezone

from notifications.backends import RecordingBackend
from notifications.models import Message
from notifications.services import (
    CHECK_AFTER,
    CHECK_FAILURES,
    MAX_ATTEMPTS,
    check_delivery,
    deliver,
    record_delivery,
    send_email,
    send_pending,
    send_sms,
)

pytestmark = pytest.mark.django_db(transaction=True)

REVIEW = {"plan": "care plan", "due": "1 May 2027", "link": "/care-tracker/records/x/"}


class Refusing(RecordingBackend):
    def send_email(self, **message):
        raise ConnectionError("Notify is down")

    def send_sms(self, **message):
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


def test_an_address_an_email_cannot_go_to_is_not_sent_and_the_log_says_why(sent_email, caplog):
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        assert not send_email(
            key="k", to="ada at example", template="review-due", personalisation=REVIEW
        )
    assert sent_email == [] and not Message.objects.exists()
    assert "Not an email address: email k not sent" in caplog.text
    assert "ada at example" not in caplog.text


APPOINTMENT = {"when": "6:30pm on Monday 7 December 2026", "place": "Riverside", "phone": "0113"}


def test_a_text_goes_once_per_key_to_the_number_as_notify_wants_it(sent_email):
    assert send_sms(
        key="k",
        to="07700 900123",
        template="appointment-reminder",
        personalisation=APPOINTMENT,
        organisation_id=7,
        subject="booking-1",
    )
    assert not send_sms(
        key="k", to="07700 900123", template="appointment-reminder", personalisation=APPOINTMENT
    )
    [text] = sent_email
    assert (text["channel"], text["to"]) == ("sms", "+447700900123")
    assert text["body"].startswith("Reminder: GP appointment 6:30pm on Monday 7 December 2026")
    message = Message.objects.get()
    assert (message.channel, message.status) == (Message.Channel.SMS, Message.Status.SENT)
    assert (message.organisation_id, message.subject) == (7, "booking-1")


def test_a_number_that_is_not_a_uk_mobile_is_not_sent_and_the_log_says_why(sent_email, caplog):
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        assert not send_sms(
            key="k", to="0113 496 0101", template="appointment-reminder", personalisation={}
        )
        assert not send_sms(key="k2", to="", template="appointment-reminder", personalisation={})
    assert sent_email == [] and not Message.objects.exists()
    assert "Not a UK mobile number: text k not sent" in caplog.text
    assert "k2" not in caplog.text  # no number is not a wrong one


def test_a_text_without_a_text_template_is_refused():
    with pytest.raises(ValueError, match="no text message template"):
        send_sms(key="k", to="07700900123", template="review-due", personalisation={})


def test_a_failed_text_is_tried_again_by_the_job(sent_email, settings):
    settings.NOTIFICATIONS_BACKEND = f"{__name__}.Refusing"
    send_sms(
        key="k", to="07700900123", template="appointment-reminder", personalisation=APPOINTMENT
    )
    assert Message.objects.get().status == Message.Status.FAILED
    settings.NOTIFICATIONS_BACKEND = "notifications.backends.RecordingBackend"
    assert send_pending() == 1
    assert [text["channel"] for text in sent_email] == ["sms"]


def test_a_delivered_message_is_never_sent_again(sent_email):
    send_email(key="k", to="a@example.nhs.uk", template="review-due", personalisation=REVIEW)
    message = Message.objects.get()
    record_delivery(notify_id=message.reference, delivery_status="delivered")
    deliver(message.pk)
    assert len(sent_email) == 1


# What Notify says of a message, by receipt or when asked ---------------------------------


def _sent(key="k", reference="notify-id-1", **fields) -> Message:
    return Message.objects.create(
        key=key,
        to="a@example.com",
        template="review-due",
        status=Message.Status.SENT,
        reference=reference,
        sent_at=timezone.now() - datetime.timedelta(minutes=5),
        **fields,
    )


@pytest.mark.parametrize(
    ("said", "state"),
    [
        ("sending", Message.Status.SENT),
        ("created", Message.Status.SENT),
        ("delivered", Message.Status.DELIVERED),
        ("permanent-failure", Message.Status.UNDELIVERED),
        ("temporary-failure", Message.Status.UNDELIVERED),
        ("technical-failure", Message.Status.UNDELIVERED),
    ],
)
def test_each_of_notifys_statuses_is_one_of_ours(said, state):
    message = _sent()
    at = timezone.now()
    assert record_delivery(notify_id="notify-id-1", delivery_status=said, at=at)
    message.refresh_from_db()
    assert (message.status, message.delivery_status, message.status_changed_at) == (
        state,
        said,
        at,
    )


def test_a_final_answer_stands_against_a_late_on_its_way():
    message = _sent()
    delivered_at = timezone.now()
    record_delivery(notify_id="notify-id-1", delivery_status="delivered", at=delivered_at)
    record_delivery(notify_id="notify-id-1", delivery_status="sending")
    record_delivery(notify_id="notify-id-1", delivery_status="delivered")
    message.refresh_from_db()
    assert (message.status, message.status_changed_at) == (
        Message.Status.DELIVERED,
        delivered_at,
    )


def test_a_send_whose_answer_was_lost_is_found_by_our_reference_and_not_sent_again(sent_email):
    """Notify took the message but our side never heard (a timeout): the message waits to
    be tried again, until Notify's receipt, naming our reference, says it went."""
    message = Message.objects.create(
        key="k",
        to="a@example.com",
        template="review-due",
        status=Message.Status.FAILED,
        personalisation=REVIEW,
        error="ReadTimeout: timed out",
        attempts=1,
    )
    assert record_delivery(notify_id="notify-id-5", reference="k", delivery_status="delivered")
    message.refresh_from_db()
    assert (message.status, message.reference, message.error) == ("delivered", "notify-id-5", "")
    assert message.personalisation == {} and message.sent_at is not None
    assert send_pending() == 0 and sent_email == []


def test_a_message_not_ours_changes_nothing():
    message = _sent()
    assert not record_delivery(notify_id="other", reference="other", delivery_status="delivered")
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_the_job_asks_notify_how_sent_messages_went(notify, settings):
    settings.NOTIFICATIONS_BACKEND = "notifications.backends.NotifyBackend"
    notify.statuses["notify-id-2"] = "permanent-failure"
    delivered, failed = _sent(), _sent(key="k2", reference="notify-id-2")
    fresh = _sent(key="k3", reference="notify-id-3")
    Message.objects.filter(pk=fresh.pk).update(sent_at=timezone.now())
    assert check_delivery() == 2
    delivered.refresh_from_db()
    failed.refresh_from_db()
    fresh.refresh_from_db()
    assert (delivered.status, delivered.delivery_status) == ("delivered", "delivered")
    assert (failed.status, failed.delivery_status) == ("undelivered", "permanent-failure")
    assert fresh.status == Message.Status.SENT  # too soon to ask
    assert sorted(notify.paths) == [
        "/v2/notifications/notify-id-1",
        "/v2/notifications/notify-id-2",
    ]
    assert check_delivery() == 0  # nothing left to ask


def test_the_job_asks_again_later_while_notify_says_it_is_on_its_way(notify, settings):
    settings.NOTIFICATIONS_BACKEND = "notifications.backends.NotifyBackend"
    notify.statuses["notify-id-1"] = "sending"
    message = _sent()
    assert check_delivery() == 1
    assert check_delivery() == 0  # asked a moment ago
    notify.statuses["notify-id-1"] = "delivered"
    assert check_delivery(now=timezone.now() + CHECK_AFTER) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED


def test_a_message_notify_cannot_find_does_not_stop_the_others(notify, settings, caplog):
    settings.NOTIFICATIONS_BACKEND = "notifications.backends.NotifyBackend"
    notify.statuses["notify-id-1"] = 404
    lost, found = _sent(), _sent(key="k2", reference="notify-id-2")
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        assert check_delivery() == 1
    lost.refresh_from_db()
    found.refresh_from_db()
    assert (lost.status, found.status) == (Message.Status.SENT, Message.Status.DELIVERED)
    assert "Could not ask how k went" in caplog.text


def test_the_job_stops_when_notify_is_down(notify, settings):
    settings.NOTIFICATIONS_BACKEND = "notifications.backends.NotifyBackend"
    for n in range(CHECK_FAILURES + 2):
        _sent(key=f"k{n}", reference=f"notify-id-{n}")
        notify.statuses[f"notify-id-{n}"] = 503
    assert check_delivery() == 0
    assert len(notify.received) == CHECK_FAILURES


def test_the_job_asks_nothing_of_a_backend_that_cannot_say(notify, settings):
    message = _sent()  # the tests' recording backend
    assert check_delivery() == 0
    settings.NOTIFICATIONS_BACKEND = "notifications.backends.ConsoleBackend"
    assert check_delivery() == 0
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.checked_at is None
    assert notify.received == []


def test_beat_runs_the_job():
    from config.celery import app

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"notifications.check_delivery", "notifications.send_pending"} <= scheduled
