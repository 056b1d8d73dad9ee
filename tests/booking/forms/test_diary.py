"""Which day or week a diary shows: anything unreadable shows today."""

import datetime

from django.utils import timezone

from booking.forms.diary import DiaryForm


def test_the_diary_shows_the_day_and_view_asked_for():
    form = DiaryForm({"date": "2026-03-29", "view": "week"})

    assert (form.day(), form.view_name()) == (datetime.date(2026, 3, 29), "week")


def test_an_unreadable_day_or_view_shows_today():
    form = DiaryForm({"date": "29/03/2026", "view": "fortnight"})

    assert (form.day(), form.view_name()) == (timezone.localdate(), "day")
