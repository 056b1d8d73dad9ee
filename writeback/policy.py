"""How often and how long write-back tries: one policy for the delivery task, the sweep and
the worklist, read from settings (WRITE_BACK_* in config/settings.py)."""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

# Grace after the due time before the sweep steps in for the task enqueued on commit.
SWEEP_GRACE = datetime.timedelta(seconds=5)
# A retried task may arrive a moment before its message is due.
EARLY_TOLERANCE = datetime.timedelta(seconds=1)
# While a practice's link is off, its messages wait and are looked at again this often.
LINK_OFF_RECHECK = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    delay: Callable[[int], float]  # seconds to wait after the given attempt failed
    lease: datetime.timedelta  # longer than any one delivery can take


def retry_delay(attempt: int) -> float:
    """Exponential backoff with jitter: half the step fixed, half random, so a burst of
    failures spreads out rather than returning in step."""
    step = min(
        settings.WRITE_BACK_RETRY_CAP_SECONDS,
        settings.WRITE_BACK_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0),
    )
    return step / 2 + random.uniform(0, step / 2)  # noqa: S311 - jitter, not secrecy


def retry_policy() -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.WRITE_BACK_MAX_ATTEMPTS,
        delay=retry_delay,
        lease=datetime.timedelta(seconds=settings.WRITE_BACK_LEASE_SECONDS),
    )
