"""The main staff pages under axe-core, at a desktop and a phone's width, as the people who
use them: a hub receptionist finding and booking a slot, a practice manager running the
diary and release rules, an IG lead reading the access report, an A&E clinician in the care
diary. The journeys themselves are walked by keyboard in test_hub_booking.py."""

import pytest
from django.urls import reverse

from booking.services.bookings import book_slot
from governance.models import Scope
from practices.roles import Role
from tests.browser.axe import DESKTOP, PHONE, assert_accessible
from tests.browser.test_hub_booking import sign_in
from tests.governance.helpers import actor_for, agreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, url: str, pages: dict[str, str]) -> None:
    failures = []
    for name, path in pages.items():
        page.goto(f"{url}{path}")
        try:
            assert_accessible(page, name)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n\n".join(failures)


def test_a_hub_receptionists_pages(
    page,
    live_server,
    pooled,
    evening_b,
    hub_receptionist,
    patient_a,
):
    slot = evening_b.slots.order_by("start").first()
    booking = book_slot(
        by=actor_for(hub_receptionist), slot=slot, patient=patient_a, description="Rash"
    )
    sign_in(page, live_server.url, "hub.reception")
    assert_accessible(page, "staff: home")
    page.goto(f"{live_server.url}{reverse('booking:search')}?patient={patient_a.public_id}")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_selector("#slot-results >> text=Kirkgate Surgery")
    assert_accessible(page, "staff: find a slot, with results")
    # A count is announced, not the rows; and on a phone the Book link is on screen.
    assert "free slots found" in page.inner_text("#slot-count")
    assert page.get_attribute("#slot-results", "aria-live") is None
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(500)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    book = page.locator("#slot-results a", has_text="Book").first.bounding_box()
    assert book["x"] >= 0 and book["x"] + book["width"] <= PHONE["width"]
    page.set_viewport_size(DESKTOP)
    second = evening_b.slots.order_by("start")[1]
    _check(
        page,
        live_server.url,
        {
            "staff: find a patient to book for": reverse("booking:find_patient"),
            "staff: book a slot": f"{reverse('booking:book', args=[second.public_id])}"
            f"?patient={patient_a.public_id}",
            "staff: appointment booked": reverse("booking:confirmation", args=[booking.public_id]),
            "staff: a booking": reverse("booking:booking", args=[booking.public_id]),
            "staff: cancel a booking": reverse("booking:booking_cancel", args=[booking.public_id]),
            "staff: pooled diary": reverse("booking:diary"),
            "staff: bookings made": reverse("booking:bookings_made"),
            "staff: waiting list": reverse("online_staff:waiting_list"),
        },
    )
    assert page.console_errors == []


def test_a_practice_managers_pages(
    page,
    live_server,
    practice_manager_b,
    evening_b,
    patient_b,
):
    sign_in(page, live_server.url, practice_manager_b.username)
    _check(
        page,
        live_server.url,
        {
            "staff: practice diary": reverse("booking:practice_diary"),
            "staff: publish a session": reverse("booking:session_publish"),
            "staff: a session": reverse("booking:session", args=[evening_b.public_id]),
            "staff: release rules": reverse("booking:session_rules", args=[evening_b.public_id]),
            "staff: national category": reverse(
                "booking:session_category", args=[evening_b.public_id]
            ),
            "staff: NHS 111 reservation": reverse("booking:nhs111_reservation"),
            "staff: practice system problems": reverse("writeback:problems"),
            "staff: registered patients": reverse("patients:list"),
            "staff: a patient": reverse("patients:detail", args=[patient_b.public_id]),
            "staff: practice": reverse("organisation:organisation"),
            "staff: registered list size": reverse("organisation:list_size"),
            "staff: Enhanced Access report": reverse("reports:compliance"),
            "staff: reports": reverse("reports:index"),
            "staff: utilisation report": reverse("reports:utilisation"),
            "staff: fair share report": reverse("reports:fair_share"),
            "staff: did-not-attend report": reverse("reports:did_not_attend") + "?by=lead_time",
            "staff: flows report": reverse("reports:flows"),
            "staff: appointment data": reverse("reports:appointments"),
        },
    )
    assert page.console_errors == []


def test_an_ig_leads_and_an_ae_clinicians_pages(
    page, live_server, ig_lead_a, ae_clinician, ae_department, patient_a, practice_manager_a
):
    agreement(patient_a.registered_practice, ae_department, Scope.BOOKING, by=practice_manager_a)
    sign_in(page, live_server.url, ig_lead_a.username)
    _check(
        page,
        live_server.url,
        {
            "staff: governance": reverse("governance:index"),
            "staff: access report": reverse("governance:access_report"),
            "staff: sharing agreements": reverse("governance:agreements"),
        },
    )
    page.context.clear_cookies()
    sign_in(page, live_server.url, ae_clinician.username)
    _check(
        page,
        live_server.url,
        {
            "staff: care diary": reverse("carediary:home"),
            "staff: care diary patient": reverse("carediary:patient", args=[patient_a.public_id]),
        },
    )


def test_the_release_rules_page_stays_short_with_every_audience_ticked(
    page, live_server, practice_manager_b, evening_b
):
    sign_in(page, live_server.url, practice_manager_b.username)
    page.goto(f"{live_server.url}{reverse('booking:session_rules', args=[evening_b.public_id])}")
    for box in page.locator("input[type=checkbox][name$='-release']").all():
        box.check()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height  # the rarely used conditions are folded away
    # A way of opening shows its own questions only once chosen.
    hours = page.locator("#id_hub-hours_before")
    assert not hours.is_visible()
    page.get_by_label("A set number of hours before the start").first.check()
    assert hours.is_visible()
    assert_accessible(page, "staff: release rules, every audience ticked")


def test_signing_in_with_cis2_and_choosing_a_role_profile(page, live_server, settings):
    """Through the local CIS2 provider's own pages to the choice between two role profiles,
    which must be as accessible with its error as without."""
    from tests.factories import MembershipFactory, PracticeFactory, UserFactory
    from tests.governance.test_cis2 import _login, _profile

    riverside, kirkgate = PracticeFactory(name="Riverside"), PracticeFactory(name="Kirkgate")
    gp = UserFactory()
    for practice in (riverside, kirkgate):
        MembershipFactory(
            user=gp, organisation=practice, role=Role.CLINICIAN, cis2_uid="555000000404"
        )
    page.goto(f"{live_server.url}{reverse('login')}")
    assert_accessible(page, "staff: sign in, with CIS2")
    page.get_by_role("button", name="Sign in with CIS2").click()
    page.fill(
        "input[name=login]",
        _login(_profile("1", riverside), _profile("2", kirkgate), sub="555000000404"),
    )
    page.fill("input[name=password]", "any")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()  # consent
    page.wait_for_url(f"**{reverse('cis2:choose_role')}")
    page.console_errors.clear()  # the provider's pages ask for a web font from the internet
    assert_accessible(page, "staff: choose a CIS2 role")
    page.get_by_role("button", name="Continue").click()
    assert "Select the role" in page.inner_text(".nhsuk-error-summary")
    assert_accessible(page, "staff: choose a CIS2 role, none chosen")
    page.get_by_label("Clinical Practitioner Access Role at Kirkgate").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "Kirkgate" in page.inner_text("body")
    assert page.console_errors == []
