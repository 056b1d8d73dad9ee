"""Scheduled governance jobs: thin wrappers over the services."""

from celery import shared_task

from governance import services


@shared_task(name="governance.send_agreement_reminders")
def send_agreement_reminders() -> int:
    return services.send_agreement_reminders()


@shared_task(name="governance.expire_access_grants")
def expire_access_grants() -> int:
    return services.expire_access_grants()
