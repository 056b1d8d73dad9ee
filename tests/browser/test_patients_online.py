"""Patients online in Chromium, on a phone's width: register with the key from the practice's
letter, confirm the email address, sign in, book a time, and cancel it in two taps. No
console errors: the strict CSP holds."""

import re

import pytest

from booking.models import Booking
from online.accounts import issue_linkage_key
from tests.governance.helpers import actor_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.console_errors = errors
    yield page
    context.close()


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_a_patient_registers_with_a_key_books_and_cancels_on_a_phone(
    phone, live_server, practice_manager_a, patient_a, online_slots, sent_email
):
    page, url = phone, live_server.url
    key = issue_linkage_key(by=actor_for(practice_manager_a), patient=patient_a)

    page.goto(f"{url}/patient/")
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Register with a registration key").click()
    page.get_by_label("Registration key").fill(key)
    page.get_by_label("NHS number").fill(patient_a.nhs_number)
    page.get_by_label("Last name").fill(patient_a.family_name)
    page.get_by_label("Day").fill(str(patient_a.date_of_birth.day))
    page.get_by_label("Month").fill(str(patient_a.date_of_birth.month))
    page.get_by_label("Year").fill(str(patient_a.date_of_birth.year))
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Create a password").fill("a walk along the canal")
    page.get_by_label("Enter the password again").fill("a walk along the canal")
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()

    link = re.search(r"(/patient/register/confirm/[^\s]+/)", sent_email[-1]["body"]).group(1)
    page.goto(f"{url}{link}")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Password").fill("a walk along the canal")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Your appointments").is_visible()
    _no_sideways_scroll(page)

    page.get_by_role("link", name="Book an appointment").click()
    page.locator("input[name=day]").first.check()
    page.get_by_role("button", name="Show free times").click()
    _no_sideways_scroll(page)
    page.locator("form[action$='/book/hold/'] button").first.click()
    page.get_by_label("What do you need help with?").fill("Sore knee")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Check your appointment").is_visible()
    page.get_by_role("button", name="Book appointment").click()
    assert page.get_by_role("heading", name="Appointment booked").is_visible()
    booking = Booking.objects.get(patient=patient_a)
    assert booking.slot == online_slots[0]

    page.get_by_role("link", name="See your appointments").click()
    page.locator(f"a[href$='{booking.public_id}/']").click()
    page.get_by_role("link", name="Cancel appointment").click()
    page.get_by_role("button", name="Yes, cancel it").click()
    assert page.get_by_role("heading", name="Appointment cancelled").is_visible()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert phone.console_errors == []
