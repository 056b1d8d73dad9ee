"""Patients online's scheduled jobs: thin wrappers that call its services."""

from celery import shared_task

from online.offers import offer_free_slots as offer


@shared_task(name="online.offer_free_slots")
def offer_free_slots() -> int:
    return offer()
