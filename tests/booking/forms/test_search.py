"""The search form: the window it searches is whole London days, and what a receptionist
narrows it by becomes search's filters."""

import datetime
import uuid
from types import SimpleNamespace

from booking.forms.search import MAX_SEARCH_DAYS, SlotSearchForm
from booking.search import SlotFilters

UTC = datetime.UTC


PRACTICE = SimpleNamespace(public_id=uuid.uuid4(), pk=7, name="Riverside Medical Centre")
SITE = SimpleNamespace(public_id=uuid.uuid4(), pk=9, name="Riverside", postcode="LS1 1AA")


def _form(**fields) -> SlotSearchForm:
    return SlotSearchForm(fields, practices=[PRACTICE], sites=[SITE], slot_types=["Routine"])


def _dates(first: datetime.date, last: datetime.date) -> dict:
    return {
        "date_from_day": first.day,
        "date_from_month": first.month,
        "date_from_year": first.year,
        "date_to_day": last.day,
        "date_to_month": last.month,
        "date_to_year": last.year,
    }


def test_the_window_runs_from_london_midnight_to_the_midnight_after_the_last_day():
    """The clocks go forward on 29 March 2026: the window ends at midnight BST, 11pm UTC."""
    form = _form(**_dates(datetime.date(2026, 3, 28), datetime.date(2026, 3, 29)))

    assert form.is_valid(), form.errors
    assert form.window() == (
        datetime.datetime(2026, 3, 28, 0, 0, tzinfo=UTC),
        datetime.datetime(2026, 3, 29, 23, 0, tzinfo=UTC),
    )


def test_a_search_longer_than_the_most_days_is_refused_by_the_end_date():
    first = datetime.date(2026, 5, 1)
    form = _form(**_dates(first, first + datetime.timedelta(days=MAX_SEARCH_DAYS)))

    assert not form.is_valid()
    assert form.errors["date_to"] == [f"Search up to {MAX_SEARCH_DAYS} days at a time"]


def test_what_the_receptionist_chose_becomes_the_filters():
    form = _form(time_of_day="evening", days="weekend", practice=str(PRACTICE.public_id))

    assert form.is_valid(), form.errors
    assert form.filters() == SlotFilters(
        practices=(7,), weekdays=(6, 7), from_time=datetime.time(17), to_time=None
    )
