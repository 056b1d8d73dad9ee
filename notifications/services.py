"""Send a message once, by email or text. The ledger row and the caller's change commit
together; the message goes after the commit, and one that fails is tried again by
`send_pending`. GOV.UK Notify's delivery receipts (or, without them, `check_delivery`) keep
each message's state, which the organisation it concerns can see."""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from notifications.addresses import email_address, uk_mobile
from notifications.backends import backend
from notifications.models import Message
from notifications.templates import SMS_TEMPLATES, TEMPLATES

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A pending message older than this was left by a process that stopped before sending it.
STALE = datetime.timedelta(minutes=5)


def send_email(
    *,
    key: str,
    to: str,
    template: str,
    personalisation: dict[str, str],
    organisation_id: int | None = None,
    subject: str = "",
) -> bool:
    """Email `to` once for `key`: a second call with the same key sends nothing. True if this
    call queued the message. It goes after the surrounding transaction commits. A `link`
    given as a path is made absolute with the site's address. `organisation_id`: whose staff
    see how it went; `subject`: what it is about for them (a booking's public id). An
    address an email cannot go to is not sent to, and the log says why."""
    if template not in TEMPLATES:
        raise ValueError(f"no template named {template!r}")
    if not to:
        return False
    address = email_address(to)
    if address is None:
        logger.warning("Not an email address: email %s not sent", key)
        return False
    return _queue(
        Message.Channel.EMAIL, key, address, template, personalisation, organisation_id, subject
    )


def send_sms(
    *,
    key: str,
    to: str,
    template: str,
    personalisation: dict[str, str],
    organisation_id: int | None = None,
    subject: str = "",
) -> bool:
    """`send_email`, by text message to a UK mobile number (written any usual way). A number
    that is not a UK mobile is not sent to, and the log says why."""
    if template not in SMS_TEMPLATES:
        raise ValueError(f"no text message template named {template!r}")
    if not to:
        return False
    number = uk_mobile(to)
    if number is None:
        logger.warning("Not a UK mobile number: text %s not sent", key)
        return False
    return _queue(
        Message.Channel.SMS, key, number, template, personalisation, organisation_id, subject
    )


def _queue(channel, key, to, template, personalisation, organisation_id, subject) -> bool:
    values = {name: str(value) for name, value in personalisation.items()}
    if values.get("link", "").startswith("/"):
        values["link"] = settings.SITE_URL.rstrip("/") + values["link"]
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key[:200],
                channel=channel,
                to=to,
                template=template,
                personalisation=values,
                organisation_id=organisation_id,
                subject=str(subject)[:64],
            )
    except IntegrityError:
        return False  # sent already, or on its way
    transaction.on_commit(lambda: deliver(message.pk))
    return True


def deliver(message_id: int) -> None:
    """Send one message if it is still unsent; record the outcome."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status__in=(Message.Status.PENDING, Message.Status.FAILED))
            .first()
        )
        if message is None:
            return
        message.attempts += 1
        try:
            send = (
                backend().send_sms
                if message.channel == Message.Channel.SMS
                else backend().send_email
            )
            message.reference = send(
                to=message.to,
                template=message.template,
                personalisation=message.personalisation,
                reference=message.key,
            )[:100]
        except Exception as error:  # any backend failure: recorded and tried again later
            message.status = Message.Status.FAILED
            message.error = f"{type(error).__name__}: {error}"[:300]
            if message.attempts >= MAX_ATTEMPTS:
                # Not tried again: say so where operations look, with no personal data.
                logger.error("Gave up sending %s after %d attempts", message.key, message.attempts)
        else:
            message.status = Message.Status.SENT
            message.sent_at = message.status_changed_at = timezone.now()
            message.personalisation = {}
            message.error = ""
        message.save()


def send_pending(now: datetime.datetime | None = None) -> int:
    """Try again the messages that failed, or that a stopped process left unsent."""
    now = now or timezone.now()
    waiting = Message.objects.filter(attempts__lt=MAX_ATTEMPTS).filter(
        status=Message.Status.FAILED
    ) | Message.objects.filter(status=Message.Status.PENDING, created_at__lt=now - STALE)
    ids = list(waiting.values_list("pk", flat=True)[:500])
    for message_id in ids:
        deliver(message_id)
    return len(ids)


# GOV.UK Notify's delivery statuses, as the hub reads them: still on its way (Notify has it:
# "created", "sending", "pending", "sent" abroad), delivered, or not delivered. Our own
# FAILED is a send that Notify never accepted, which `send_pending` tries again; Notify's
# failures are final for us (a wrong number, a phone off for 3 days, Notify's own fault).
_DELIVERY = {
    "delivered": Message.Status.DELIVERED,
    "permanent-failure": Message.Status.UNDELIVERED,
    "temporary-failure": Message.Status.UNDELIVERED,
    "technical-failure": Message.Status.UNDELIVERED,
    "validation-failed": Message.Status.UNDELIVERED,
    "virus-scan-failed": Message.Status.UNDELIVERED,
}
_FINAL = (Message.Status.DELIVERED, Message.Status.UNDELIVERED)


def delivery_state(delivery_status: str) -> str:
    """Our state for one of Notify's status words: any it does not call final is sent."""
    return _DELIVERY.get(delivery_status, Message.Status.SENT)


def record_delivery(
    *,
    notify_id: str,
    reference: str = "",
    delivery_status: str,
    at: datetime.datetime | None = None,
) -> bool:
    """Keep what Notify says of a message: found by Notify's id for it, or else by the
    reference we gave Notify (its key, for a send whose answer we never heard). True if the
    message is ours. A status already recorded, or one still on its way after a final
    answer, changes nothing, so a receipt and the check may both arrive, in any order."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().filter(reference=notify_id).first()
            if notify_id
            else None
        )
        if message is None and reference:
            message = Message.objects.select_for_update().filter(key=reference).first()
        if message is None:
            return False
        state = delivery_state(delivery_status)
        if message.delivery_status == delivery_status or (
            message.status in _FINAL and state not in _FINAL
        ):
            return True
        at = at or timezone.now()
        message.status = state
        message.delivery_status = delivery_status[:30]
        message.status_changed_at = at
        # Notify has it, whatever we heard when we sent it: nothing is left to send again.
        message.reference = message.reference or notify_id[:100]
        message.sent_at = message.sent_at or at
        message.personalisation = {}
        message.error = ""
        message.save()
    return True


# Messages Notify has accepted but not yet answered for, asked after between these ages.
CHECK_AFTER = datetime.timedelta(minutes=2)
CHECK_UNTIL = datetime.timedelta(days=3)
# Questions that fail in one run before it stops: Notify is down, the next run asks again.
CHECK_FAILURES = 3


def check_delivery(now: datetime.datetime | None = None) -> int:
    """Ask the backend how each recently sent message went, for when Notify's callbacks are
    not set up: those not asked for longest first. Backends that cannot say (console,
    recording) ask nothing and change nothing. How many answers came back."""
    now = now or timezone.now()
    sender = backend()
    if not getattr(sender, "reports_delivery", False):
        return 0
    waiting = (
        Message.objects.filter(
            status=Message.Status.SENT,
            sent_at__lte=now - CHECK_AFTER,
            sent_at__gt=now - CHECK_UNTIL,
        )
        .exclude(reference="")
        .exclude(checked_at__gt=now - CHECK_AFTER)
        .order_by(F("checked_at").asc(nulls_first=True), "sent_at")
    )
    answered = failures = 0
    for message in waiting[:500]:
        Message.objects.filter(pk=message.pk).update(checked_at=now)
        try:
            delivery_status = sender.delivery_status(message.reference)
        except Exception as error:  # any failure of the service: asked again next run
            failures += 1
            logger.warning("Could not ask how %s went: %s", message.key, type(error).__name__)
            if failures >= CHECK_FAILURES:
                break
            continue
        answered += 1
        record_delivery(notify_id=message.reference, delivery_status=delivery_status, at=now)
    return answered
