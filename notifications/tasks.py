from celery import shared_task

from notifications.services import send_pending


@shared_task(name="notifications.send_pending")
def send_pending_messages() -> int:
    return send_pending()
