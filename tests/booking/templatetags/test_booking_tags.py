"""Times on the booking pages read as people say them, in London time: "7:06am", never
Django's "7:06 a.m."."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings

from booking.templatetags.booking_tags import clock

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (datetime.datetime(2026, 7, 1, 6, 6, tzinfo=UTC), "7:06am"),  # BST
        (datetime.datetime(2026, 1, 15, 18, 30, tzinfo=UTC), "6:30pm"),  # GMT
        (datetime.datetime(2026, 7, 1, 11, 0, tzinfo=UTC), "midday"),
        (datetime.datetime(2026, 1, 15, 0, 0, tzinfo=UTC), "midnight"),
        (datetime.time(8, 0), "8am"),
        (None, ""),
    ],
)
def test_clock_says_the_time_the_nhs_way_in_london(value, words):
    assert clock(value) == words


# Django's time formats that would print "a.m." or a 24-hour clock.
_TIME_FORMAT = re.compile(r"\|time\b|\|date:[\"'][^\"']*[gGhHiaAPsu]")


def test_booking_pages_show_times_only_through_clock():
    templates = Path(settings.BASE_DIR) / "templates" / "booking"
    offending = [
        f"{path.name}: {match.group(0)}"
        for path in sorted(templates.glob("*.html"))
        for match in _TIME_FORMAT.finditer(path.read_text())
    ]

    assert offending == []


def test_enter_by_hand_is_explained_on_the_page_not_in_a_tooltip():
    from booking.models import Booking
    from booking.templatetags.booking_tags import write_back_tag

    manual = write_back_tag(Booking(write_back=Booking.WriteBack.MANUAL))
    assert "Enter by hand" in manual and "types it into their own system" in manual
    assert "title=" not in manual
    assert "title=" not in write_back_tag(Booking(write_back=Booking.WriteBack.CONFIRMED))
