import datetime

from django.utils import timezone

from booking.models import Booking
from booking.reminders import send_reminders
from tests.booking.builders import booking_at


def _made_days_ago(booking: Booking, days: int) -> Booking:
    Booking.objects.filter(pk=booking.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days)
    )
    return booking


def test_each_patient_is_reminded_once_the_day_before_even_if_the_job_runs_twice(
    practice_a, sent_email, django_capture_on_commit_callbacks
):
    booking = _made_days_ago(booking_at(practice_a), 5)
    booking.patient.email = "pat@example.com"
    booking.patient.save()
    later = booking.start - datetime.timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(now=later) == 1
        assert send_reminders(now=later) == 0
    assert [(m["template"], m["to"]) for m in sent_email] == [
        ("appointment-reminder", "pat@example.com")
    ]


def test_no_reminder_too_early_too_late_or_for_a_booking_made_within_the_day(practice_a):
    booking = _made_days_ago(booking_at(practice_a), 5)
    booking.patient.email = "pat@example.com"
    booking.patient.save()
    assert send_reminders(now=booking.start - datetime.timedelta(hours=30)) == 0
    assert send_reminders(now=booking.start - datetime.timedelta(hours=1)) == 0
    fresh = booking_at(practice_a)
    Booking.objects.filter(pk=fresh.pk).update(
        created_at=fresh.start - datetime.timedelta(hours=10)
    )
    fresh.patient.email = "new@example.com"
    fresh.patient.save()
    assert send_reminders(now=fresh.start - datetime.timedelta(hours=8)) == 1  # only the first
