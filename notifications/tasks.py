from celery import shared_task

from notifications.services import check_delivery, send_pending


@shared_task(name="notifications.send_pending")
def send_pending_messages() -> int:
    return send_pending()


@shared_task(name="notifications.check_delivery")
def check_message_delivery() -> int:
    return check_delivery()
