"""Where email goes. NOTIFICATIONS_BACKEND names one of these classes."""

import logging
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from notifications.templates import render

logger = logging.getLogger(__name__)


class Backend(Protocol):
    def send_email(
        self, *, to: str, template: str, personalisation: dict[str, str], reference: str
    ) -> str:
        """Send; return the backend's id for the message. Raise on failure."""
        ...


class ConsoleBackend:
    """The demo's: writes each message to the log."""

    def send_email(self, *, to, template, personalisation, reference) -> str:
        subject, body = render(template, personalisation)
        logger.info("Email to %s: %s\n%s", to, subject, body)
        return reference


class RecordingBackend:
    """The tests': keeps what was sent, in order, for assertions."""

    outbox: ClassVar[list[dict]] = []

    def send_email(self, *, to, template, personalisation, reference) -> str:
        subject, body = render(template, personalisation)
        self.outbox.append(
            {"to": to, "template": template, "subject": subject, "body": body, "key": reference}
        )
        return reference


class NotifyBackend:
    """GOV.UK Notify, through its Python client. NOTIFY_API_KEY and NOTIFY_TEMPLATE_IDS
    (our template name → Notify template id) come from the environment."""

    def __init__(self):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(
            settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=10
        )

    def send_email(self, *, to, template, personalisation, reference) -> str:
        answer = self.client.send_email_notification(
            email_address=to,
            template_id=settings.NOTIFY_TEMPLATE_IDS[template],
            personalisation=personalisation,
            reference=reference,
        )
        return answer["id"]


def backend() -> Backend:
    return import_string(settings.NOTIFICATIONS_BACKEND)()
