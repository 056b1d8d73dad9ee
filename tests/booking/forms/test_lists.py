"""The window a list of bookings shows: from a day, for one, two or four weeks."""

import datetime

from django.utils import timezone

from booking.forms.lists import BookingListForm


def test_a_list_shows_two_weeks_from_today_unless_asked():
    assert BookingListForm({}).window() == (timezone.localdate(), 14)


def test_a_list_shows_the_weeks_asked_for_from_the_day_asked_for():
    form = BookingListForm({"date": "2026-03-02", "weeks": "4"})

    assert form.window() == (datetime.date(2026, 3, 2), 28)


def test_weeks_not_offered_fall_back_to_two_weeks_from_today():
    assert BookingListForm({"date": "2026-03-02", "weeks": "3"}).window() == (
        timezone.localdate(),
        14,
    )
