"""Send a message once, by email or text. The ledger row and the caller's change commit
together; the message goes after the commit, and one that fails is tried again by
`send_pending`. GOV.UK Notify's delivery receipts (or, without them, `check_delivery`) keep
each message's state, which the organisation it concerns can see."""

import datetime
import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

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
) -> bool:
    """Email `to` once for `key`: a second call with the same key sends nothing. True if this
    call queued the message. It goes after the surrounding transaction commits. A `link`
    given as a path is made absolute with the site's address. `organisation_id`: whose staff
    see how it went."""
    if template not in TEMPLATES:
        raise ValueError(f"no template named {template!r}")
    if not to:
        return False
    return _queue(Message.Channel.EMAIL, key, to, template, personalisation, organisation_id)


def send_sms(
    *,
    key: str,
    to: str,
    template: str,
    personalisation: dict[str, str],
    organisation_id: int | None = None,
) -> bool:
    """`send_email`, by text message to a UK mobile number (written any usual way). A number
    that is not a UK mobile is not sent to, and says so in the log."""
    if template not in SMS_TEMPLATES:
        raise ValueError(f"no text message template named {template!r}")
    number = uk_mobile(to)
    if number is None:
        if to:
            logger.warning("Not a UK mobile number: text %s not sent", key)
        return False
    return _queue(Message.Channel.SMS, key, number, template, personalisation, organisation_id)


_UK_MOBILE = re.compile(r"^(?:\+44|0044|0)(7\d{9})$")


def uk_mobile(raw: str) -> str | None:
    """+447… for a UK mobile number however it was typed; None for anything else."""
    match = _UK_MOBILE.match(re.sub(r"[\s()-]", "", raw or ""))
    return f"+44{match.group(1)}" if match else None


def _queue(channel, key, to, template, personalisation, organisation_id) -> bool:
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
            .filter(pk=message_id)
            .exclude(status=Message.Status.SENT)
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


# GOV.UK Notify's delivery statuses, as the hub reads them.
_DELIVERY = {
    "delivered": Message.Status.DELIVERED,
    "permanent-failure": Message.Status.UNDELIVERED,
    "temporary-failure": Message.Status.UNDELIVERED,
    "technical-failure": Message.Status.UNDELIVERED,
    "validation-failed": Message.Status.UNDELIVERED,
    "virus-scan-failed": Message.Status.UNDELIVERED,
}


def record_delivery(*, reference: str, delivery_status: str, at=None) -> bool:
    """Keep what Notify says of the message with this Notify id. True if it is ours. A
    status it has already reported, or an earlier one than a final answer, changes
    nothing."""
    message = Message.objects.filter(reference=reference).first()
    if message is None:
        return False
    status = _DELIVERY.get(delivery_status, Message.Status.SENT)
    final = message.status in (Message.Status.DELIVERED, Message.Status.UNDELIVERED)
    if message.delivery_status == delivery_status or (final and status == Message.Status.SENT):
        return True
    Message.objects.filter(pk=message.pk).update(
        status=status, delivery_status=delivery_status[:30], status_changed_at=at or timezone.now()
    )
    return True


# Messages Notify has accepted but not yet answered for, asked after between these ages.
CHECK_AFTER = datetime.timedelta(minutes=2)
CHECK_UNTIL = datetime.timedelta(days=3)


def check_delivery(now: datetime.datetime | None = None) -> int:
    """Ask the backend how each recently sent message went, for when Notify's callbacks are
    not set up. Backends that cannot say (console, recording) leave the states alone."""
    now = now or timezone.now()
    waiting = Message.objects.filter(
        status=Message.Status.SENT,
        sent_at__lte=now - CHECK_AFTER,
        sent_at__gt=now - CHECK_UNTIL,
    ).exclude(reference="")
    asked = 0
    sender = backend()
    for message in waiting.order_by("sent_at")[:500]:
        delivery_status = sender.delivery_status(message.reference)
        if delivery_status is None:
            return asked
        asked += 1
        record_delivery(reference=message.reference, delivery_status=delivery_status, at=now)
    return asked
