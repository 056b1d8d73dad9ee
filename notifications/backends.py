"""Where email and text messages go. NOTIFICATIONS_BACKEND names one of these classes."""

import logging
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from notifications.templates import render, render_sms

logger = logging.getLogger(__name__)


class Backend(Protocol):
    # Whether `delivery_status` can say how a message went (Notify can; the others cannot).
    reports_delivery: bool

    def send_email(
        self, *, to: str, template: str, personalisation: dict[str, str], reference: str
    ) -> str:
        """Send; return the backend's id for the message. Raise on failure."""
        ...

    def send_sms(
        self, *, to: str, template: str, personalisation: dict[str, str], reference: str
    ) -> str: ...

    def delivery_status(self, backend_id: str) -> str:
        """What the service last said of the message's delivery, in Notify's words. Raise if
        it cannot be asked."""
        ...


class ConsoleBackend:
    """The demo's: writes each message to the log."""

    reports_delivery = False

    def send_email(self, *, to, template, personalisation, reference) -> str:
        subject, body = render(template, personalisation)
        logger.info("Email to %s: %s\n%s", to, subject, body)
        return reference

    def send_sms(self, *, to, template, personalisation, reference) -> str:
        logger.info("Text message to %s: %s", to, render_sms(template, personalisation))
        return reference

    def delivery_status(self, backend_id: str) -> str:
        raise NotImplementedError("this backend does not report delivery")


class RecordingBackend:
    """The tests': keeps what was sent, in order, for assertions."""

    outbox: ClassVar[list[dict]] = []
    reports_delivery = False

    def send_email(self, *, to, template, personalisation, reference) -> str:
        subject, body = render(template, personalisation)
        self.outbox.append(
            {
                "channel": "email",
                "to": to,
                "template": template,
                "subject": subject,
                "body": body,
                "key": reference,
            }
        )
        return reference

    def send_sms(self, *, to, template, personalisation, reference) -> str:
        body = render_sms(template, personalisation)
        self.outbox.append(
            {
                "channel": "sms",
                "to": to,
                "template": template,
                "subject": "",
                "body": body,
                "key": reference,
            }
        )
        return reference

    def delivery_status(self, backend_id: str) -> str:
        raise NotImplementedError("this backend does not report delivery")


class NotifyBackend:
    """GOV.UK Notify, through its Python client. NOTIFY_API_KEY and NOTIFY_TEMPLATE_IDS
    (our template name → Notify template id; "name:sms" for a text message's) come from the
    environment."""

    reports_delivery = True

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

    def send_sms(self, *, to, template, personalisation, reference) -> str:
        answer = self.client.send_sms_notification(
            phone_number=to,
            template_id=settings.NOTIFY_TEMPLATE_IDS[f"{template}:sms"],
            personalisation=personalisation,
            reference=reference,
        )
        return answer["id"]

    def delivery_status(self, backend_id: str) -> str:
        return str(self.client.get_notification_by_id(backend_id)["status"])


def backend() -> Backend:
    return import_string(settings.NOTIFICATIONS_BACKEND)()
