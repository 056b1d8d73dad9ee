"""Write-back problems made directly in the database, for tests that need one to exist (the
URL meta-tests, the worklist's pages) rather than to test how one comes about."""

from django.utils import timezone

from tests.booking.builders import booking_at
from writeback.models import WriteBackMessage


def write_back_problem_at(
    practice=None, *, made_by=None, state=WriteBackMessage.State.CONFLICT
) -> WriteBackMessage:
    """A booking at `practice` (made by `made_by`, the practice itself by default) that the
    practice system would not take: a conflict unless `state` says otherwise."""
    booking = booking_at(practice, made_by=made_by)
    delivered = state == WriteBackMessage.State.CONFIRMED
    return WriteBackMessage.objects.create(
        booking=booking,
        operation=WriteBackMessage.Operation.BOOK,
        state=state,
        attempts=1,
        last_error="" if delivered else f"{state}: the practice system said no",
        external_id="appt-1" if delivered else "",
        confirmed_at=timezone.now() if delivered else None,
        requested_by=booking.booked_by,
        requesting_organisation=booking.booking_organisation,
    )
