"""Send a message once. The ledger row and the caller's change commit together; the message
goes after the commit, and one that fails is tried again by `send_pending`."""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.backends import backend
from notifications.models import Message
from notifications.templates import TEMPLATES

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A pending message older than this was left by a process that stopped before sending it.
STALE = datetime.timedelta(minutes=5)


def send_email(*, key: str, to: str, template: str, personalisation: dict[str, str]) -> bool:
    """Email `to` once for `key`: a second call with the same key sends nothing. True if this
    call queued the message. It goes after the surrounding transaction commits. A `link`
    given as a path is made absolute with the site's address."""
    if template not in TEMPLATES:
        raise ValueError(f"no template named {template!r}")
    if not to:
        return False
    values = {name: str(value) for name, value in personalisation.items()}
    if values.get("link", "").startswith("/"):
        values["link"] = settings.SITE_URL.rstrip("/") + values["link"]
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key[:200], to=to, template=template, personalisation=values
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
            message.reference = backend().send_email(
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
            message.sent_at = timezone.now()
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
