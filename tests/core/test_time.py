"""Times written the NHS way (content style guide): 7:06am, never 7:06a.m. or 07:06."""

import datetime

from core.time import LONDON, date_and_time

WINTER = datetime.datetime(2026, 12, 4, 7, 6, 9, tzinfo=LONDON)
SUMMER_UTC = datetime.datetime(2026, 7, 1, 11, 0, tzinfo=datetime.UTC)


def test_dates_and_times_short_long_and_to_the_second():
    assert date_and_time(WINTER) == "4 Dec 2026, 7:06am"
    assert date_and_time(WINTER, long=True) == "4 December 2026, 7:06am"
    assert date_and_time(WINTER, seconds=True) == "4 Dec 2026, 7:06:09am"


def test_they_are_in_london_time_with_midday_in_words():
    assert date_and_time(SUMMER_UTC) == "1 Jul 2026, midday"  # 11am UTC is noon in BST
