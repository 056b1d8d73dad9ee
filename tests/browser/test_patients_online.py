"""Patients online in Chromium, every page checked with axe at a desktop and a phone's width:
sign in with NHS login (the local provider), book a time, move it and cancel it; register
with the key from the practice's letter; join the waiting list and accept the slot a
cancellation frees. No console errors: the strict CSP holds."""

import datetime
import re

import pytest
from django.utils import timezone

from booking.models import Booking
from booking.services.bookings import book_slot
from booking.services.managing import cancel_booking
from online import throttle
from online.accounts import issue_linkage_key
from online.models import Offer, WaitingListEntry
from tests.browser.axe import PHONE, assert_accessible
from tests.factories import PatientFactory
from tests.governance.helpers import actor_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a walk along the canal"


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _book_first_time(page, description: str) -> None:
    page.locator("input[name=day]").first.check()
    page.get_by_role("button", name="Show free times").click()
    assert_accessible(page, "patient: free times")
    page.locator("form[action$='/book/hold/'] button").first.click()


@pytest.fixture
def olivia(practice_a, hub):
    """A patient whose NHS number is a test user of the local NHS login. The live server's
    visitors all come from 127.0.0.1, which other tests in the run may have used up NHS
    login's sign-in allowance from: this test starts afresh."""
    throttle.forget("nhs-login", "127.0.0.1")
    return PatientFactory(
        registered_practice=practice_a,
        nhs_number="9999000010",
        given_name="Olivia",
        family_name="Mensah",
        date_of_birth=datetime.date(1988, 4, 12),
        email="olivia.mensah@example.com",
    )


def test_a_patient_signs_in_with_nhs_login_books_moves_and_cancels(
    page, live_server, olivia, online_slots
):
    page.goto(f"{live_server.url}/patient/")
    assert_accessible(page, "patient: start")
    page.get_by_role("button", name="Continue with NHS login").click()

    # The provider's own pages: its login form takes the NHS number, then consent.
    page.fill("input[name=login]", olivia.nhs_number)
    page.fill("input[name=password]", "any")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()  # consent

    page.wait_for_url("**/patient/appointments/")
    page.console_errors.clear()  # the provider's pages ask for a web font from the internet
    assert page.get_by_role("heading", name="Your appointments").is_visible()
    assert_accessible(page, "patient: your appointments")

    page.get_by_role("link", name="Book an appointment").click()
    assert_accessible(page, "patient: choose a day")
    _book_first_time(page, "Sore knee")
    assert_accessible(page, "patient: what do you need help with")
    page.get_by_role("button", name="Continue").click()  # nothing entered
    assert page.title().startswith("Error: ")
    assert_accessible(page, "patient: what do you need help with, with an error")
    page.get_by_label("What do you need help with?").fill("Sore knee")
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, "patient: check your appointment")
    page.get_by_role("button", name="Book appointment").click()
    assert page.get_by_role("heading", name="Appointment booked").is_visible()
    assert_accessible(page, "patient: appointment booked")
    booking = Booking.objects.get(patient=olivia)

    # Move it to a later time.
    page.get_by_role("link", name="See your appointments").click()
    page.locator(f"a[href$='{booking.public_id}/']").click()
    assert_accessible(page, "patient: your appointment")
    page.get_by_role("link", name="Change the time").click()
    page.locator("input[name=day]").first.check()
    page.get_by_role("button", name="Show free times").click()
    page.locator("form[action$='/book/hold/'] button").nth(2).click()
    assert page.get_by_role("heading", name="Check your new time").is_visible()
    page.get_by_role("button", name="Move my appointment").click()
    moved = Booking.objects.get(patient=olivia, status=Booking.Status.BOOKED)
    assert moved.slot == online_slots[3]  # the third time still free

    # Cancel it in two taps.
    page.get_by_role("link", name="See your appointments").click()
    page.locator(f"a[href$='{moved.public_id}/']").click()
    page.get_by_role("link", name="Cancel appointment").click()
    assert_accessible(page, "patient: cancel")
    page.get_by_role("button", name="Yes, cancel it").click()
    assert_accessible(page, "patient: cancelled")
    moved.refresh_from_db()
    assert moved.status == Booking.Status.CANCELLED

    page.get_by_role("link", name="See your appointments").click()
    page.get_by_role("link", name="See who has looked at your record").click()
    assert_accessible(page, "patient: who has looked at your record")
    assert page.console_errors == []


def test_a_patient_registers_with_a_key_on_a_phone(
    browser, live_server, practice_manager_a, patient_a, hub, sent_email
):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    url = live_server.url
    key = issue_linkage_key(by=actor_for(practice_manager_a), patient=patient_a)

    page.goto(f"{url}/patient/")
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Register with a registration key").click()
    page.get_by_role("button", name="Continue").click()  # nothing entered: what to fix
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page, "patient: register, with errors")
    page.get_by_label("Registration key").fill(key)
    page.get_by_label("NHS number").fill(patient_a.nhs_number)
    page.get_by_label("Last name").fill(patient_a.family_name)
    page.get_by_label("Day").fill(str(patient_a.date_of_birth.day))
    page.get_by_label("Month").fill(str(patient_a.date_of_birth.month))
    page.get_by_label("Year").fill(str(patient_a.date_of_birth.year))
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, "patient: set up your sign-in")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Enter the password again").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    assert_accessible(page, "patient: check your email")

    link = re.search(r"(/patient/register/confirm/[^\s]+/)", sent_email[-1]["body"]).group(1)
    page.goto(f"{url}{link}")
    assert_accessible(page, "patient: sign in with your email address")
    page.get_by_label("Email address").fill("ada@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Your appointments").is_visible()
    _no_sideways_scroll(page)
    context.close()


def test_a_patient_joins_the_waiting_list_and_accepts_a_freed_slot(
    page,
    live_server,
    olivia,
    patient_b,
    hub,
    publish,
    hub_receptionist,
    practice_manager_b,
    sent_email,
):
    from governance.models import Scope
    from tests.conftest import HUB_NOW, ONLINE_NOW
    from tests.governance.helpers import agreement

    slots = list(publish(rules=(HUB_NOW, ONLINE_NOW))[0].slots.order_by("start"))
    page.goto(f"{live_server.url}/patient/")
    page.get_by_role("button", name="Continue with NHS login").click()
    page.fill("input[name=login]", olivia.nhs_number)
    page.fill("input[name=password]", "any")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/patient/appointments/")
    page.console_errors.clear()  # the provider's pages ask for a web font from the internet

    page.get_by_role("link", name="Join the waiting list").click()
    assert_accessible(page, "patient: join the waiting list")
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Join the waiting list").click()
    assert_accessible(page, "patient: your place on the waiting list")
    assert WaitingListEntry.objects.get().patient == olivia

    # The hub books practice A's slot for another patient, who then cancels.
    agreement(olivia.registered_practice, hub, Scope.BOOKING, by=practice_manager_b)
    receptionist = actor_for(hub_receptionist)
    other = PatientFactory(registered_practice=olivia.registered_practice)
    booking = book_slot(by=receptionist, slot=slots[0], patient=other)
    cancel_booking(by=receptionist, booking=booking, reason="Feeling better")
    offer = Offer.objects.get(status=Offer.Status.OPEN)
    assert offer.entry.patient == olivia
    link = re.search(r"(/patient/offers/[^/\s]+/)", sent_email[-1]["body"]).group(1)

    page.goto(f"{live_server.url}{link}")
    assert_accessible(page, "patient: an appointment has come free")
    page.get_by_role("button", name="Accept this appointment").click()
    assert page.get_by_role("heading", name="Appointment booked").is_visible()
    assert_accessible(page, "patient: offer accepted")
    assert Booking.objects.get(patient=olivia).slot == slots[0]
    assert offer.expires_at > timezone.now()
    assert page.console_errors == []
