"""Background jobs for the hub diary: write-back to practice systems and slot import.

Thin: each takes an id, calls a service, and holds the retry policy. Delivery is retried by
enqueuing the task again with a countdown; the message's own `next_attempt_at` is the truth,
so a retry lost with the broker is found by the sweep.
"""

import logging
import random
from dataclasses import asdict

from celery import shared_task
from django.conf import settings

from booking.services import slot_import, write_back
from practices.clinical_systems.base import OutcomeUnknown, Unavailable
from practices.models import ClinicalSystemLink

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> float:
    """Exponential backoff with jitter: half the step fixed, half random, so a burst of
    failures spreads out rather than returning in step."""
    step = min(
        settings.WRITE_BACK_RETRY_CAP_SECONDS,
        settings.WRITE_BACK_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0),
    )
    return step / 2 + random.uniform(0, step / 2)  # noqa: S311 - jitter, not secrecy


def retry_policy() -> write_back.RetryPolicy:
    from datetime import timedelta

    return write_back.RetryPolicy(
        max_attempts=settings.WRITE_BACK_MAX_ATTEMPTS,
        delay=retry_delay,
        lease=timedelta(seconds=settings.WRITE_BACK_LEASE_SECONDS),
    )


@shared_task(
    name="booking.deliver_write_back",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def deliver_write_back(message_id: int) -> str:
    """One attempt to write a booking, cancellation or amendment to the practice system."""
    outcome = write_back.deliver_write_back(message_id=message_id, policy=retry_policy())
    if outcome.retry_in is not None:
        try:
            # A moment after it is due, so the claim never finds it early.
            deliver_write_back.apply_async(
                (message_id,), countdown=outcome.retry_in + 0.5, retry=False
            )
        except Exception:  # the broker is down: the sweep will find the message when due
            logger.warning("Retry of write-back %s not enqueued; the sweep will", message_id)
    for waiting in outcome.release:
        write_back.hand_to_worker(waiting)
    return outcome.state


@shared_task(name="booking.sweep_write_back", ignore_result=True)
def sweep_write_back() -> int:
    """Enqueue every message whose hand-over was lost or whose worker died."""
    due = write_back.due_write_backs()
    for message_id in due:
        deliver_write_back.delay(message_id)
    return len(due)


@shared_task(
    name="booking.import_practice_slots",
    acks_late=True,
    ignore_result=True,
    autoretry_for=(Unavailable, OutcomeUnknown),
    retry_backoff=30,
    retry_jitter=True,
    max_retries=3,
)
def import_practice_slots(link_id: int) -> dict:
    """Bring one linked practice's free slots into the hub diary (searching changes nothing,
    so a retry is always safe)."""
    link = (
        ClinicalSystemLink.objects.select_related("practice")
        .filter(pk=link_id, enabled=True)
        .first()
    )
    if link is None:
        return {}
    return asdict(slot_import.import_practice_slots(link=link))


@shared_task(name="booking.import_all_practice_slots", ignore_result=True)
def import_all_practice_slots() -> int:
    """Beat: one import per practice whose link is on."""
    link_ids = list(ClinicalSystemLink.objects.filter(enabled=True).values_list("pk", flat=True))
    for link_id in link_ids:
        import_practice_slots.delay(link_id)
    return len(link_ids)
