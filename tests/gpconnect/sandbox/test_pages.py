"""The appointment-book pages people watch."""

from tests.gpconnect.sandbox.calls import (
    book,
    book_one,
    free_slots,
    register,
)
from tests.gpconnect.sandbox.harness import PRACTICE


def test_appointment_book_page_shows_a_booking_arriving(sandbox):
    sandbox.call(
        "POST", "/_practices", body={"practices": [{"ods": PRACTICE, "name": "Riverside"}]}
    )
    empty = sandbox.call("GET", f"/{PRACTICE}").body

    book_one(sandbox)
    page = sandbox.call("GET", f"/{PRACTICE}").body

    assert "No appointments from today on" in empty
    assert "Riverside (A10001): appointment book" in page
    assert "Bea Brown (9990000018)" in page and "ref-1" in page
    assert 'http-equiv="refresh"' in page
    assert f'href="/{PRACTICE}"' in sandbox.call("GET", "/").body


def test_page_escapes_what_consumers_send(sandbox):
    slot = free_slots(sandbox)[0]
    book(sandbox, slot, register(sandbox), description="<script>alert(1)</script>")

    page = sandbox.call("GET", f"/{PRACTICE}").body

    assert "<script>" not in page and "&lt;script&gt;" in page
