"""The GP Connect benchmark on the tiny preset: its consumer is let in, its searches are
answered, and what it books is booked."""

import random

from bench import gpconnect
from booking.models import Booking


def test_the_gpconnect_benchmark_searches_and_books_as_a_registered_consumer(committed):
    hubs = [hub.pk for hub in committed.hubs[:2]]

    results = gpconnect.measure(hubs, random.Random(3), searches=4, bookings=3, workers=1)

    assert results["statuses"].get("search 200") == 4
    assert results["search"]["n"] == 4 and results["search"]["slots_p50"] > 0
    booked = results["statuses"].get("book 201", 0)
    assert booked == 3
    assert booked == results["booking"].get("n", 0)
    assert (
        Booking.objects.filter(booking_organisation__ods_code=gpconnect.CONSUMER_ODS).count()
        == booked
    )
    assert not [status for status in results["statuses"] if status.endswith(" 500")]
