"""Where bookings stand in the practices' own systems, for pages that list bookings."""

from collections.abc import Iterable

from booking.models import Booking
from writeback.models import WriteBackMessage


def attach_write_back(bookings: Iterable[Booking]) -> None:
    """Give each booking `write_back`, its latest message to the practice system (None if it
    has none), in one query whatever the number of bookings."""
    bookings = list(bookings)
    latest: dict[int, WriteBackMessage] = {}
    messages = WriteBackMessage.objects.filter(booking__in=bookings).order_by("booking_id", "id")
    for message in messages.only("booking_id", "state", "operation", "in_doubt"):
        latest[message.booking_id] = message
    for booking in bookings:
        booking.write_back = latest.get(booking.pk)
