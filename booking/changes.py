"""What booking tells the apps above it about a change to a booking, inside the change's own
transaction: write-back listens, and writes its outbox message in that same transaction.

Booking knows nothing of its listeners; they subscribe when their app is ready.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import Protocol

from booking.models import Booking
from governance.audit import Actor


class Change(StrEnum):
    BOOKED = "book"
    CANCELLED = "cancel"
    AMENDED = "amend"


class Listener(Protocol):
    def __call__(self, *, by: Actor, booking: Booking, change: Change) -> object: ...


_listeners: list[Callable[..., object]] = []


def subscribe(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def announce(*, by: Actor, booking: Booking, change: Change) -> None:
    """Tell every listener, in the caller's transaction: a listener's failure fails the
    change."""
    for listener in _listeners:
        listener(by=by, booking=booking, change=change)
