"""The care diary and care tracker in Chromium: an A&E clinician at 2 a.m. finds a care-home
resident, reads their escalation plan, books them into an evening slot released to urgent
care and logs the attendance, which the key worker then sees; a care home accepts and
completes a task the ANP sent it. No console errors: the strict CSP holds."""

import datetime

import pytest
from django.utils import timezone

from booking.models import Audience, Booking, DeliveryChannel
from booking.services.sessions import RuleSpec, publish_sessions
from caretracker.models import Encounter, Task
from governance.models import Scope
from practices.models import Clinician, Organisation
from practices.roles import Role
from tests.browser.test_hub_booking import sign_in
from tests.caretracker.builders import enrolment_at, escalation_plan_for
from tests.factories import ClinicianFactory, OrganisationFactory, SiteFactory, staff
from tests.governance.helpers import actor_for, agreement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def care_home(db):
    return OrganisationFactory(kind=Organisation.Kind.CARE_HOME, name="Beechwood Care Home")


@pytest.fixture
def resident(practice_a, care_home, patient_a):
    enrolment = enrolment_at(
        practice_a,
        patient=patient_a,
        care_home=care_home,
        key_worker=staff(practice_a, Role.CARE_COORDINATOR, username="key.worker"),
        team=((care_home, "care-home"),),
    )
    escalation_plan_for(enrolment)
    return enrolment


@pytest.fixture
def urgent_care_evening(practice_a, practice_manager_a):
    """Practice A's evening session tomorrow, released to urgent care."""
    [session] = publish_sessions(
        by=actor_for(practice_manager_a),
        site=SiteFactory(organisation=practice_a),
        clinician=ClinicianFactory(organisation=practice_a),
        practitioner_role=Clinician.JobRole.GP,
        session_type="GP extended access",
        slot_type="Routine appointment",
        delivery_channel=DeliveryChannel.IN_PERSON,
        first_date=timezone.localdate() + datetime.timedelta(days=1),
        start_time=datetime.time(18, 30),
        end_time=datetime.time(19, 30),
        slot_minutes=15,
        rules=(RuleSpec(audience=Audience.URGENT_CARE),),
    )
    return session


def test_ae_finds_reads_the_plan_books_logs_and_the_key_worker_sees_it(
    page,
    browser,
    live_server,
    resident,
    urgent_care_evening,
    ae_clinician,
    ae_department,
    practice_manager_a,
):
    practice = resident.practice
    agreement(practice, ae_department, Scope.BOOKING, by=practice_manager_a)
    agreement(practice, ae_department, Scope.CARE_TRACKER, by=practice_manager_a)
    patient = resident.patient

    sign_in(page, live_server.url, "ae.clinician")
    assert "Find the patient" in page.inner_text("main")  # lands on the care diary
    page.fill("#id_nhs_number", patient.nhs_number)
    with page.expect_navigation():
        page.click("button:has-text('Find patient')")
    with page.expect_navigation():
        page.click("main a:has-text('LOVELACE, Ada')")
    main = page.inner_text("main")
    assert "Escalation plan" in main and "ReSPECT form" in main

    with page.expect_navigation():
        page.click("text=Book an evening or weekend appointment")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        page.click("button:has-text('Search')")
    page.wait_for_selector("#slot-results >> text=Book 6:30pm")
    with page.expect_navigation():
        page.click("#slot-results >> text=Book 6:30pm")
    page.fill("#id_description", "Chest infection review")
    with page.expect_navigation():
        page.click("button:has-text('Book appointment')")
    assert "Appointment booked" in page.inner_text("main")
    booking = Booking.objects.get(patient=patient)
    assert booking.channel == Booking.Channel.A_AND_E

    page.goto(f"{live_server.url}/care-diary/patients/{patient.public_id}/contacts/new/")
    page.check("text=A&E attendance")
    page.fill("#id_presenting_reason", "Productive cough, fever")
    page.check("text=Booked into extended access")
    with page.expect_navigation():
        page.click("button:has-text('Log contact')")
    assert "Contact logged" in page.inner_text("main")
    assert Encounter.objects.filter(patient=patient, organisation=ae_department).exists()
    assert page.console_errors == []

    key_worker = browser.new_context().new_page()
    sign_in(key_worker, live_server.url, "key.worker")
    inbox = key_worker.inner_text("main")
    assert "A&E attendance logged by" in inbox
    with key_worker.expect_navigation():
        key_worker.click("main a:has-text('A&E attendance logged by')")
    assert "Productive cough, fever" in key_worker.inner_text("main")


def test_a_care_home_accepts_and_completes_a_task_the_anp_sent(
    page, browser, live_server, resident, care_home, practice_a
):
    staff(practice_a, Role.CLINICIAN, username="anp")
    staff(care_home, Role.CARE_HOME_STAFF, username="care.home")

    sign_in(page, live_server.url, "anp")
    page.goto(f"{live_server.url}/care-tracker/records/{resident.public_id}/")
    with page.expect_navigation():
        page.click("text=Send a task")
    page.check("text=Rapid response referral")
    page.select_option("#id_to", label="Beechwood Care Home (Care home)")
    page.fill("#id_title", "Fall: check for injury and start neuro observations")
    with page.expect_navigation():
        page.click("button:has-text('Send task')")
    assert "not taken until the team accepts it" in page.inner_text("main")
    assert "left" in page.inner_text("main")  # the two-hour clock
    task = Task.objects.get()
    assert task.status == Task.Status.OFFERED

    home = browser.new_context().new_page()
    sign_in(home, live_server.url, "care.home")
    with home.expect_navigation():
        home.click("main a:has-text('Fall: check for injury')")
    with home.expect_navigation():
        home.click("button:has-text('Accept task')")
    assert "it is yours now" in home.inner_text("main")
    with home.expect_navigation():
        home.click("button:has-text('Mark as completed')")
    task.refresh_from_db()
    assert task.status == Task.Status.COMPLETED and task.accepted_by.username == "care.home"
    assert page.console_errors == []
