"""By the keyboard alone: practice staff change who may book a session (urgent care from 8am
on the day), putting right a mistake from the error summary; and a hub receptionist who
also runs practice B's sessions books past B's embargo with a reason. No console errors:
the strict CSP holds."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from booking.models import Audience, Booking, DeliveryChannel, ReleaseRule
from booking.services.sessions import RuleSpec, publish_sessions
from governance.models import AuditEvent, Scope
from practices.models import Clinician
from practices.roles import Role
from tests.browser.test_hub_booking import follow, sign_in, tab_to
from tests.factories import AccessGrantFactory, ClinicianFactory, SiteFactory, staff
from tests.governance.helpers import actor_for, agreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _evening_b(practice_b, practice_manager_b, rule: RuleSpec):
    """Practice B's evening session in two days: 6:30pm to 8pm, 15-minute slots."""
    [session] = publish_sessions(
        by=actor_for(practice_manager_b),
        site=SiteFactory(organisation=practice_b),
        clinician=ClinicianFactory(organisation=practice_b),
        practitioner_role=Clinician.JobRole.GP,
        session_type="GP extended access",
        slot_type="Routine appointment",
        delivery_channel=DeliveryChannel.IN_PERSON,
        first_date=timezone.localdate() + datetime.timedelta(days=2),
        start_time=datetime.time(18, 30),
        end_time=datetime.time(20),
        slot_minutes=15,
        rules=(rule,),
    )
    return session


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_practice_staff_release_a_session_to_urgent_care_from_8am_by_keyboard(
    page, live_server, practice_b, practice_manager_b, receptionist_practice_b
):
    session = _evening_b(practice_b, practice_manager_b, RuleSpec(audience=Audience.HUB))
    sign_in(page, live_server.url, "reception.b")
    page.goto(f"{live_server.url}{reverse('booking:session', args=[session.public_id])}")
    follow(page, "Change who may book")
    assert "Change who may book" in page.inner_text("h1")

    tab_to(page, "id_urgent-care-release")
    page.keyboard.press("Space")  # ticking it reveals the rule's details
    assert page.is_visible("#id_urgent-care-opens_0")
    assert not page.is_visible("#id_urgent-care-opens_time")  # until "on the day" is chosen
    tab_to(page, "id_urgent-care-opens_0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "On the day, from midnight or a time you set"
    assert page.is_checked("#id_urgent-care-opens_2")
    assert page.is_visible("#id_urgent-care-opens_time")
    tab_to(page, "id_urgent-care-opens_time")
    page.keyboard.type("8am")
    follow(page, "Save who may book")

    # The error summary takes the focus; its link takes it on to the field to put right.
    summary = page.inner_text(".nhsuk-error-summary")
    assert "Urgent care: Enter the time on the 24-hour clock, for example 08:00" in summary
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert _focused_id(page) == "id_urgent-care-opens_time"
    page.keyboard.press("Control+A")
    page.keyboard.type("08:00")
    follow(page, "Save who may book")

    main = page.inner_text("main")
    assert "Release rules saved" in main
    assert "Released to urgent care from 8am on the day" in main
    assert "Released to the hub" in main
    assert page.console_errors == [], page.console_errors
    assert {r.audience for r in session.rules.all()} == {"hub", "urgent-care"}


def test_a_hub_receptionist_who_runs_bs_sessions_overrides_an_embargo_by_keyboard(
    page, live_server, hub, practice_a, practice_b, practice_manager_a, practice_manager_b,
    patient_a,
):  # fmt: skip
    agreement(practice_a, hub, Scope.BOOKING, by=practice_manager_a)
    agreement(practice_b, hub, Scope.BOOKING, by=practice_manager_b)
    embargoed = RuleSpec(
        audience=Audience.HUB, opens=ReleaseRule.Opens.BEFORE_START, opens_minutes_before=60
    )
    session = _evening_b(practice_b, practice_manager_b, embargoed)
    slot = session.slots.order_by("start").first()
    locum = staff(hub, Role.HUB_RECEPTIONIST, username="hub.locum")
    AccessGrantFactory(user=locum, organisation=practice_b, role=Role.PRACTICE_RECEPTIONIST)

    sign_in(page, live_server.url, "hub.locum")
    book = reverse("booking:book", args=[slot.public_id])
    page.goto(f"{live_server.url}{book}?patient={patient_a.public_id}")
    # Two organisations: say which one this work is for (the hub comes first).
    tab_to(page, "organisation-0")
    page.keyboard.press("Space")
    follow(page, "Continue", exact=True)

    tab_to(page, "id_description")
    page.keyboard.type("Wound check")
    follow(page, "Book appointment")
    main = page.inner_text("main")
    assert "The release rules do not allow this booking now" in main
    assert "Released to the hub from 1 hour before the start" in main
    follow(page, "Override the rule and book")
    assert "Enter a reason for overriding the rule" in page.inner_text(".nhsuk-error-summary")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert _focused_id(page) == "id_override_reason"
    page.keyboard.type("Dressing must be changed tonight")
    follow(page, "Override the rule and book")

    main = page.inner_text("main")
    assert "Appointment booked" in main and "Dressing must be changed tonight" in main
    booking = Booking.objects.get()
    assert booking.rule_override_reason == "Dressing must be changed tonight"
    assert AuditEvent.objects.get(action="booking.rule-override").reason == "embargoed"
    assert page.console_errors == [], page.console_errors
