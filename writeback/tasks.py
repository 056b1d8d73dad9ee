"""Background jobs for write-back to practice systems and slot import.

Thin: each takes an id, calls a service, and holds the retry policy. Delivery is retried by
enqueuing the task again with a countdown; the message's own `next_attempt_at` is the truth,
so a retry lost with the broker is found by the sweep.
"""

import logging
from dataclasses import asdict

from celery import shared_task

from practices.clinical_systems.base import OutcomeUnknown, Unavailable
from practices.models import ClinicalSystemLink
from writeback import delivery, outbox, policy, slot_import

logger = logging.getLogger(__name__)


@shared_task(
    name=outbox.DELIVER_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def deliver_write_back(message_id: int) -> str:
    """One attempt to write a booking, cancellation or amendment to the practice system."""
    outcome = delivery.attempt_delivery(message_id=message_id, policy=policy.retry_policy())
    if outcome.retry_in is not None:
        try:
            # A moment after it is due, so the claim never finds it early.
            deliver_write_back.apply_async(
                (message_id,), countdown=outcome.retry_in + 0.5, retry=False
            )
        except Exception:  # the broker is down: the sweep will find the message when due
            logger.warning("Retry of write-back %s not enqueued; the sweep will", message_id)
    for waiting in outcome.release:
        outbox.hand_to_worker(waiting)
    return outcome.state


@shared_task(name="writeback.sweep_write_back", ignore_result=True)
def sweep_write_back() -> int:
    """Enqueue every message whose hand-over was lost or whose worker died."""
    due = delivery.due_write_backs()
    for message_id in due:
        deliver_write_back.delay(message_id)
    return len(due)


@shared_task(
    name="writeback.import_practice_slots",
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


@shared_task(name="writeback.import_all_practice_slots", ignore_result=True)
def import_all_practice_slots() -> int:
    """Beat: one import per practice whose link is on."""
    link_ids = list(ClinicalSystemLink.objects.filter(enabled=True).values_list("pk", flat=True))
    for link_id in link_ids:
        import_practice_slots.delay(link_id)
    return len(link_ids)
