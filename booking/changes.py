"""What booking tells the apps above it about a change to a booking, inside the change's own
transaction: write-back listens, and writes its outbox message in that same transaction.

Booking knows nothing of its listeners; they subscribe when their app is ready.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


# A move is a cancellation and a booking, each announced as itself (write-back cancels the
# old appointment and books the new one). What the booking replaces is known to whoever
# listens while the move makes it: the patient hears of one move, not of two changes.
_moving_from: ContextVar[Booking | None] = ContextVar("moving_from", default=None)


@contextmanager
def moving(previous: Booking) -> Iterator[None]:
    """Announcements made inside are of a move from `previous`."""
    token = _moving_from.set(previous)
    try:
        yield
    finally:
        _moving_from.reset(token)


def moved_from() -> Booking | None:
    """The booking that the one being announced replaces, during a move."""
    return _moving_from.get()
