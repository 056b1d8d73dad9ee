"""What can go wrong when booking, in words a receptionist and an API client can act on."""

from core.errors import NotFound


class BookingError(Exception):
    """Base: `code` is stable for API clients, `message` is plain English for people."""

    code = "booking-error"
    http_status = 400

    def __init__(self, message: str, **details) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class SlotTaken(BookingError):
    """Someone else booked it first; `alternatives` holds the nearest equivalent free slots."""

    code = "slot-taken"
    http_status = 409

    def __init__(self, message: str, alternatives=()) -> None:
        super().__init__(message)
        self.alternatives = list(alternatives)


class SlotNotBookable(BookingError):
    code = "slot-not-bookable"
    http_status = 409

    def __init__(self, message: str, reason_code: str) -> None:
        super().__init__(message, reason_code=reason_code)
        self.reason_code = reason_code


class BookingNotFound(BookingError, NotFound):
    """Not a booking the acting organisation made or holds: the same as no such booking."""

    code = "booking-not-found"
    http_status = 404


class BookingChanged(BookingError):
    """Someone else changed the booking since it was read: reload and try again."""

    code = "booking-changed"
    http_status = 409


class InvalidBookingChange(BookingError):
    code = "invalid-change"
    http_status = 422


class IdempotencyKeyReused(BookingError):
    code = "idempotency-key-reused"
    http_status = 422


class HoldExpired(BookingError):
    """The few minutes a patient had the slot to themselves ran out, and it has gone."""

    code = "hold-expired"
    http_status = 409


class OnlineLimitReached(BookingError):
    """A patient already has as many appointments to come as their hub lets one book online."""

    code = "online-limit-reached"
    http_status = 409
