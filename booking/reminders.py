"""A reminder to the patient the day before: each live booking made more than a day ahead
is reminded once, about 24 hours before it starts, by a job that may run twice (the message
key makes a second run send nothing). A booking made within the day has just had its
confirmation, so it gets no reminder."""

import datetime

from django.db.models import F
from django.utils import timezone

from booking.models import Booking
from booking.patient_messages import remind_the_patient

AHEAD = datetime.timedelta(hours=24)
# Not later than this before the start: a reminder an hour before is no use.
LAST_USEFUL = datetime.timedelta(hours=2)


def bookings_to_remind(now: datetime.datetime):
    """Live bookings starting within the next day, made more than a day before they start."""
    return (
        Booking.objects.filter(
            status=Booking.Status.BOOKED,
            start__gt=now + LAST_USEFUL,
            start__lte=now + AHEAD,
            created_at__lt=F("start") - AHEAD,
        )
        .select_related("patient", "slot__practice", "slot__site", "slot__clinician")
        .order_by("start")
    )


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Remind each patient due a reminder; returns how many were sent now (not before)."""
    now = now or timezone.now()
    sent = 0
    for booking in bookings_to_remind(now):
        if remind_the_patient(booking):
            # Kept on the booking, for the did-not-attend report by reminder.
            Booking.objects.filter(pk=booking.pk).update(reminder_sent_at=now)
            sent += 1
    return sent
