"""The booking app's scheduled jobs: thin wrappers that call its services."""

from celery import shared_task

from booking import nhs111
from booking.reminders import send_reminders
from booking.unused_capacity import record_unused_releases


@shared_task(name="booking.record_unused_releases")
def hand_over_unused_capacity() -> int:
    return record_unused_releases()


@shared_task(name="booking.keep_nhs111_reservations")
def keep_nhs111_reservations() -> int:
    return nhs111.keep_reservations()


@shared_task(name="booking.remind_patients")
def remind_patients() -> int:
    return send_reminders()
