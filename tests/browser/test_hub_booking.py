"""A hub receptionist, with the keyboard alone, books a patient of practice A into practice
B's evening slot, cancels, books again, moves the appointment and marks it did not attend;
practice B sees the booking in its list. No console errors: the strict CSP holds."""

import datetime

import pytest
from django.utils import timezone

from booking.models import Booking
from core.time import london_day_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# What pressing Enter acts on: tab_to stops only at these, never at a container that happens
# to hold the words.
_ACTIONABLE = "['A', 'BUTTON', 'INPUT', 'SELECT', 'TEXTAREA', 'SUMMARY'].includes(el.tagName)"


def tab_to(page, wanted: str, *, exact: bool = False, limit: int = 200) -> None:
    """Press Tab until the focused control's text or id contains (or is) `wanted`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        actionable, text, id_ = page.evaluate(
            f"(el => [{_ACTIONABLE}, (el.textContent || '').replace(/\\s+/g, ' '), el.id || ''])"
            "(document.activeElement)"
        )
        if actionable and any(
            value.strip() == wanted if exact else wanted in value for value in (text, id_)
        ):
            return
    raise AssertionError(f"Tab never reached {wanted!r}")


def follow(page, wanted: str, *, exact: bool = False) -> None:
    """Tab to a link or button and press Enter, waiting for the next page. If none comes,
    say what had the focus and where, rather than only that time ran out."""
    tab_to(page, wanted, exact=exact)
    focused = page.evaluate("document.activeElement.outerHTML")
    try:
        with page.expect_navigation():
            page.keyboard.press("Enter")
    except Exception as error:
        raise AssertionError(f"Enter on {focused[:300]!r} at {page.url} went nowhere") from error


def sign_in(page, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.keyboard.type(username)  # the username field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_hub_books_cancels_rebooks_and_marks_dna_by_keyboard(
    page,
    browser,
    live_server,
    pooled,
    evening_b,
    hub_receptionist,
    receptionist_practice_b,
    patient_a,
):
    evening = evening_b
    sign_in(page, live_server.url, "hub.reception")

    # Find the patient from practice A.
    follow(page, "Book an appointment")
    tab_to(page, "id_nhs_number")
    page.keyboard.type(patient_a.formatted_nhs_number)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "LOVELACE, Ada" in page.inner_text("main")
    follow(page, "Find a slot for")

    # Pick practice B's first evening slot, say what it is for, confirm.
    assert "Booking for Ada LOVELACE" in page.inner_text("main")
    tab_to(page, "Search", exact=True)  # htmx swaps in the results, no page load
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.keyboard.press("Enter")
    page.wait_for_selector("#slot-results >> text=Kirkgate Surgery")
    follow(page, "Book 6:30pm")
    tab_to(page, "id_description")
    page.keyboard.type("Blood pressure review")
    page.keyboard.press("Tab")
    page.keyboard.type("Prefers a morning call back")
    assert "You have" in page.inner_text(".nhsuk-character-count__status")
    follow(page, "Book appointment")

    confirmation = page.inner_text("main")
    site = evening.site
    assert "Appointment booked" in confirmation
    assert "6:30pm" in confirmation and site.postcode in confirmation
    assert site.address_line_1 in confirmation and "Kirkgate Surgery" in confirmation
    assert str(evening.clinician) in confirmation and "In person" in confirmation

    # Cancel it, with a reason.
    follow(page, "View, cancel or move this appointment")
    follow(page, "Cancel appointment")
    tab_to(page, "id_reason")
    page.keyboard.type("Patient feels better")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Appointment cancelled" in page.inner_text("main")

    # Book again, then move the new appointment to another slot in one step.
    follow(page, "Book a new appointment for")
    follow(page, "Book 6:45pm")
    tab_to(page, "id_description")
    page.keyboard.type("Blood pressure review")
    follow(page, "Book appointment")
    follow(page, "View, cancel or move this appointment")
    follow(page, "Move to another slot")
    follow(page, "Move here: 7pm")
    follow(page, "Move appointment")
    assert "Appointment moved" in page.inner_text("main")
    moved = Booking.objects.get(status=Booking.Status.BOOKED)
    assert timezone.localtime(moved.start).time() == datetime.time(19, 0)

    # The appointment time comes; the patient does not.
    # (Today's, so the practice's list from today shows it, even just after midnight.)
    started = max(
        timezone.now() - datetime.timedelta(minutes=20),
        london_day_start(timezone.localdate()) + datetime.timedelta(seconds=1),
    )
    Booking.objects.filter(pk=moved.pk).update(start=started)
    follow(page, "View, cancel or move this appointment")
    follow(page, "Mark as did not attend")
    assert "Marked as did not attend" in page.inner_text("main")
    assert page.console_errors == [], page.console_errors

    # Practice B sees the booking in its list.
    context = browser.new_context()
    practice_page = context.new_page()
    errors: list[str] = []
    practice_page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    sign_in(practice_page, live_server.url, "reception.b")
    follow(practice_page, "Diary", exact=True)
    follow(practice_page, "Bookings into the practice")
    listing = practice_page.inner_text("main")
    assert "Ada LOVELACE" in listing and "Aire Valley Hub" in listing
    assert "Did not attend" in listing and "Cancelled" in listing
    assert errors == [], errors
    context.close()
