"""Practice staff publish sessions with release rules, see their diary, block slots, cancel
sessions without dropping bookings, print run-sheets and list every booking into them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking, ReleaseRule, Session, Slot
from booking.services import bookings
from governance.models import Scope
from tests.factories import ClinicianFactory, PatientFactory, SiteFactory
from tests.governance.helpers import actor_for, agreement


def _session_form(site, **overrides) -> dict:
    day = timezone.localdate() + datetime.timedelta(days=3)
    data = {
        "first_date_day": day.day,
        "first_date_month": day.month,
        "first_date_year": day.year,
        "start_time": "18:30",
        "end_time": "20:00",
        "weeks": "1",
        "site": site.public_id,
        "clinician": "",
        "practitioner_role": "R0260",
        "session_type": "GP extended access",
        "slot_type": "Routine appointment",
        "slot_minutes": "15",
        "delivery_channel": "In-person",
        "national_category": "General Consultation Routine",
        "service_setting": "Extended Access Provision",
        "hub-release": "on",
        "hub-opens": "published",
        "hub-cut_off_minutes": "0",
        "urgent-care-opens": "published",
        "online-opens": "published",
    }
    return {**data, **overrides}


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


# Publishing --------------------------------------------------------------------------------


def test_publishing_asks_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("booking:session_publish"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["hub_receptionist", "clinician_a", "ig_lead_a"])
def test_roles_that_do_not_manage_sessions_cannot_publish(client_for, persona, request):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse("booking:session_publish")).status_code == 403


def test_a_receptionist_publishes_an_evening_session_released_to_the_hub(
    client_for, receptionist_practice_a, practice_a
):
    site = SiteFactory(organisation=practice_a)
    response = client_for(receptionist_practice_a).post(
        reverse("booking:session_publish"), _session_form(site)
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:session", args=[session.public_id])
    assert session.practice == practice_a and session.slots.count() == 6
    assert timezone.localtime(session.starts_at).time() == datetime.time(18, 30)
    assert [rule.audience for rule in session.rules.all()] == ["hub"]
    assert all(slot.hub_opens_at is not None for slot in session.slots.all())


def test_release_rules_embargoes_quotas_ods_codes_and_widening_are_published(
    client_for, practice_manager_a, practice_a
):
    site = SiteFactory(organisation=practice_a)
    form = _session_form(
        site,
        **{
            "hub-opens": "before-start",
            "hub-hours_before": "48",
            "hub-cut_off_minutes": "30",
            "hub-quota_per_session": "2",
            "hub-ods_codes": "u30003, rzz01",
            "urgent-care-release": "on",
            "urgent-care-opens": "on-day",
            "urgent-care-days_before": "0",
            "widen": "on",
            "widen_hours": "2",
            "widen_to": ["urgent-care", "online"],
        },
    )
    response = client_for(practice_manager_a).post(reverse("booking:session_publish"), form)
    assert response.status_code == 302
    rules = {
        (r.audience, r.opens, r.opens_minutes_before, r.opens_days_before)
        for r in ReleaseRule.objects.all()
    }
    assert rules == {
        ("hub", "before-start", 48 * 60, None),
        ("urgent-care", "on-day", None, 0),
        ("urgent-care", "before-start", 120, None),  # widened at T-2h
        ("online", "before-start", 120, None),
    }
    hub = ReleaseRule.objects.get(audience="hub")
    assert hub.cut_off_minutes == 30 and hub.quota_per_session == 2
    assert hub.ods_codes == ["RZZ01", "U30003"]
    page = client_for(practice_manager_a).get(response["Location"])
    assert b"Released to the hub from 48 hours before the start" in page.content
    assert b"Released to patients online from 2 hours before the start" in page.content


def test_a_weekly_session_is_published_for_each_week(client_for, practice_manager_a, practice_a):
    site = SiteFactory(organisation=practice_a)
    client_for(practice_manager_a).post(
        reverse("booking:session_publish"), _session_form(site, weeks="3")
    )
    starts = [s.starts_at for s in Session.objects.order_by("starts_at")]
    assert len(starts) == 3 and starts[1] - starts[0] >= datetime.timedelta(days=6)


def test_a_named_clinician_gives_the_session_their_role(client_for, practice_manager_a, practice_a):
    site = SiteFactory(organisation=practice_a)
    nurse = ClinicianFactory(organisation=practice_a, job_role="R0620")
    client_for(practice_manager_a).post(
        reverse("booking:session_publish"),
        _session_form(site, clinician=nurse.public_id, practitioner_role=""),
    )
    assert Session.objects.get().practitioner_role == "R0620"


def test_mistakes_are_shown_by_their_fields(client_for, practice_manager_a, practice_a):
    site = SiteFactory(organisation=practice_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client_for(practice_manager_a).post(
        reverse("booking:session_publish"),
        _session_form(
            site,
            practitioner_role="",
            first_date_day=yesterday.day,
            first_date_month=yesterday.month,
            first_date_year=yesterday.year,
            **{"hub-opens": "before-start"},
        ),
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Select a practitioner role, or name a clinician" in response.content
    assert b"Enter how many hours before the start" in response.content
    assert not Session.objects.exists()


def test_a_session_in_the_past_is_refused_by_the_service(
    client_for, practice_manager_a, practice_a
):
    site = SiteFactory(organisation=practice_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client_for(practice_manager_a).post(
        reverse("booking:session_publish"),
        _session_form(
            site,
            first_date_day=yesterday.day,
            first_date_month=yesterday.month,
            first_date_year=yesterday.year,
        ),
    )
    assert b"The first session must start in the future" in response.content


def test_another_practices_site_cannot_be_chosen(client_for, practice_manager_a, practice_b):
    site = SiteFactory(organisation=practice_b)
    response = client_for(practice_manager_a).post(
        reverse("booking:session_publish"), _session_form(site)
    )
    assert response.status_code == 200
    assert not Session.objects.exists()


# The practice's diary, sessions and slots --------------------------------------------------


@pytest.fixture
def hub_booking(publish, hub_receptionist, hub_books_for_a, patient_a):
    [session] = publish()
    slot = session.slots.order_by("start").first()
    return bookings.book_slot(
        by=actor_for(hub_receptionist), slot=slot, patient=patient_a, description="Asthma review"
    )


def test_the_practice_diary_shows_its_sessions_slots_and_who_they_are_released_to(
    client_for, practice_manager_a, hub_booking
):
    day = timezone.localtime(hub_booking.start).date()
    client = client_for(practice_manager_a)
    page = client.get(reverse("booking:practice_diary"), {"date": day.isoformat()})
    assert page.status_code == 200
    assert b"6:30pm to 8pm" in page.content
    assert b"Released to the hub" in page.content
    assert b"Ada LOVELACE" in page.content and b"Aire Valley Hub" in page.content
    assert b"Booked" in page.content and b"Free" in page.content
    week = client.get(reverse("booking:practice_diary"), {"date": day.isoformat(), "view": "week"})
    assert b"1 booked" in week.content and b"5 free" in week.content


def test_the_practice_diary_query_count_does_not_grow_with_sessions_or_slots(
    client_for, practice_manager_a, publish, hub_booking, patient_a
):
    day = timezone.localtime(hub_booking.start).date()
    client = client_for(practice_manager_a)
    url = reverse("booking:practice_diary")
    for view in ("day", "week"):
        few = _queries(client, url, {"date": day.isoformat(), "view": view})
        publish(start=datetime.time(9), end=datetime.time(12), minutes=10)
        publish(start=datetime.time(13), end=datetime.time(17), minutes=5)
        assert _queries(client, url, {"date": day.isoformat(), "view": view}) == few, view


def test_a_slot_is_blocked_with_a_reason_and_unblocked(client_for, practice_manager_a, publish):
    slot = publish()[0].slots.first()
    client = client_for(practice_manager_a)
    refused = client.post(reverse("booking:slot_block", args=[slot.public_id]), {"reason": ""})
    assert b"Enter a reason for blocking the slot" in refused.content
    client.post(reverse("booking:slot_block", args=[slot.public_id]), {"reason": "GP late"})
    slot.refresh_from_db()
    assert slot.status == Slot.Status.BLOCKED and slot.blocked_reason == "GP late"
    page = client.get(reverse("booking:session", args=[slot.session.public_id]))
    assert b"GP late" in page.content and b"Unblock" in page.content
    client.post(reverse("booking:slot_unblock", args=[slot.public_id]))
    slot.refresh_from_db()
    assert slot.status == Slot.Status.FREE


def test_unblocking_a_free_slot_explains_why_not(client_for, practice_manager_a, publish):
    slot = publish()[0].slots.first()
    response = client_for(practice_manager_a).post(
        reverse("booking:slot_unblock", args=[slot.public_id]), follow=True
    )
    assert b"Only a blocked slot can be unblocked" in response.content


def test_cancelling_a_session_lists_its_bookings_for_rebooking(
    client_for, practice_manager_a, hub_booking
):
    session = hub_booking.slot.session
    client = client_for(practice_manager_a)
    url = reverse("booking:session_cancel", args=[session.public_id])
    assert b"Enter a reason for cancelling the session" in client.post(url, {"reason": ""}).content
    page = client.post(url, {"reason": "GP unwell"}, follow=True)
    assert b"1 patient is still booked into it" in page.content
    assert reverse("booking:booking", args=[hub_booking.public_id]).encode() in page.content
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    hub_booking.refresh_from_db()
    assert hub_booking.status == Booking.Status.BOOKED
    assert not session.slots.filter(status=Slot.Status.FREE).exists()


def test_the_run_sheet_names_each_patient_with_their_nhs_number(
    client_for, practice_manager_a, hub_booking
):
    page = client_for(practice_manager_a).get(
        reverse("booking:run_sheet", args=[hub_booking.slot.session.public_id])
    )
    patient = hub_booking.patient
    assert b"Ada LOVELACE" in page.content
    assert patient.formatted_nhs_number.encode() in page.content
    assert b"Aire Valley Hub" in page.content and b"Asthma review" in page.content
    assert b"app-no-print" in page.content  # the back link is left off the printout


@pytest.mark.parametrize("name", ["booking:session", "booking:session_cancel", "booking:run_sheet"])
def test_another_practices_session_is_not_found(client_for, practice_manager_b, hub_booking, name):
    url = reverse(name, args=[hub_booking.slot.session.public_id])
    client = client_for(practice_manager_b)
    assert client.get(url).status_code == 404
    if name == "booking:session_cancel":
        assert client.post(url, {"reason": "Not mine"}).status_code == 404
    assert Session.objects.get().status == Session.Status.PUBLISHED


def test_another_practices_slot_cannot_be_blocked(client_for, practice_manager_b, publish):
    slot = publish()[0].slots.first()
    url = reverse("booking:slot_block", args=[slot.public_id])
    assert client_for(practice_manager_b).post(url, {"reason": "Mine now"}).status_code == 404
    slot.refresh_from_db()
    assert slot.status == Slot.Status.FREE


def test_patient_names_in_the_diary_are_escaped(
    client_for, practice_manager_a, publish, hub_receptionist, hub_books_for_a, practice_a
):
    patient = PatientFactory(registered_practice=practice_a, family_name="<i>Evil</i>")
    slot = publish()[0].slots.first()
    bookings.book_slot(
        by=actor_for(hub_receptionist), slot=slot, patient=patient, description="<b>x</b>"
    )
    client = client_for(practice_manager_a)
    day = timezone.localtime(slot.start).date().isoformat()
    for page in (
        client.get(reverse("booking:practice_diary"), {"date": day}),
        client.get(reverse("booking:session", args=[slot.session.public_id])),
        client.get(reverse("booking:run_sheet", args=[slot.session.public_id])),
    ):
        assert b"<i>EVIL" not in page.content and b"&lt;I&gt;EVIL&lt;/I&gt;" in page.content
        assert b"<b>x</b>" not in page.content


# The national appointment category -------------------------------------------------------


def test_publishing_stores_the_national_category_and_setting_chosen(
    client_for, practice_manager_a, practice_a
):
    site = SiteFactory(organisation=practice_a)
    client_for(practice_manager_a).post(
        reverse("booking:session_publish"),
        _session_form(
            site,
            weeks="2",
            delivery_channel="Telephone",
            national_category="Clinical Triage",
            service_setting="General Practice",
        ),
    )
    assert set(Session.objects.values_list("national_category", "service_setting")) == {
        ("Clinical Triage", "General Practice")
    }


def test_the_publish_page_asks_for_the_category_and_lists_its_error_in_the_summary(
    client_for, practice_manager_a, practice_a
):
    client = client_for(practice_manager_a)
    blank = client.get(reverse("booking:session_publish")).content.decode()
    assert '<option value="General Consultation Routine" selected>' in blank
    assert 'value="Extended Access Provision"' in blank and "nhsuk-radios__hint" in blank
    assert 'value="Unmapped"' not in blank

    response = client.post(
        reverse("booking:session_publish"),
        _session_form(SiteFactory(organisation=practice_a), national_category=""),
    )
    content = response.content.decode()
    assert response.status_code == 200 and not Session.objects.exists()
    assert (
        '<li><a href="#id_national_category">Select national appointment category</a></li>'
        in content
    )


def _category_url(session) -> str:
    return reverse("booking:session_category", args=[session.public_id])


def test_changing_the_category_asks_anonymous_visitors_to_sign_in(client, publish):
    [session] = publish()
    response = client.get(_category_url(session))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_another_practice_cannot_change_a_sessions_category(
    client_for, practice_manager_b, publish
):
    [session] = publish()
    client = client_for(practice_manager_b)
    assert client.get(_category_url(session)).status_code == 404
    posted = client.post(
        _category_url(session),
        {"national_category": "Clinical Triage", "service_setting": "General Practice"},
    )
    assert posted.status_code == 404
    assert Session.objects.get().national_category == "Unmapped"


def test_an_imported_session_is_flagged_then_mapped_from_its_page(
    client_for, practice_manager_a, publish
):
    [session] = publish()
    Session.objects.filter(pk=session.pk).update(source=Session.Source.IMPORTED)
    client = client_for(practice_manager_a)
    day = timezone.localtime(session.starts_at).date().isoformat()
    for view in ("day", "week"):
        diary = client.get(reverse("booking:practice_diary"), {"date": day, "view": view})
        assert b"Category not set" in diary.content, view
    detail = client.get(reverse("booking:session", args=[session.public_id]))
    assert b"Category not set" in detail.content
    assert _category_url(session).encode() in detail.content
    form = client.get(_category_url(session))
    assert b"Sessions from your clinical system arrive without a category" in form.content
    assert b"whole_series" not in form.content  # held once: no series to change

    response = client.post(
        _category_url(session),
        {"national_category": "General Consultation Acute", "service_setting": "General Practice"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("booking:session", args=[session.public_id])
    session.refresh_from_db()
    assert (session.national_category, session.service_setting) == (
        "General Consultation Acute",
        "General Practice",
    )
    page = client.get(response["Location"]).content.decode()
    assert "General consultation acute" in page and "Category not set" not in page
    diary = client.get(reverse("booking:practice_diary"), {"date": day, "view": "week"})
    assert b"Category not set" not in diary.content


def test_a_weekly_series_still_to_come_changes_when_asked(client_for, practice_manager_a, publish):
    first, second, third = publish(weeks=3)
    client = client_for(practice_manager_a)
    page = client.get(_category_url(second)).content.decode()
    assert "Also change the sessions still to come in this weekly series" in page
    assert "1 later session;" in page

    response = client.post(
        _category_url(second),
        {
            "national_category": "Planned Clinics",
            "service_setting": "Extended Access Provision",
            "whole_series": "on",
        },
        follow=True,
    )

    assert b"National category saved for this session and 1 to come." in response.content
    assert [Session.objects.get(pk=s.pk).national_category for s in (first, second, third)] == [
        "Unmapped",
        "Planned Clinics",
        "Planned Clinics",
    ]


def test_a_missing_category_is_listed_in_the_error_summary(client_for, practice_manager_a, publish):
    [session] = publish()
    response = client_for(practice_manager_a).post(
        _category_url(session), {"national_category": "", "service_setting": ""}
    )
    content = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in content
    assert '<a href="#id_national_category">Select national appointment category</a>' in content
    assert '<a href="#id_service_setting_0">Select service setting</a>' in content
    assert Session.objects.get().national_category == "Unmapped"


# Every booking into the practice -----------------------------------------------------------


def test_the_practice_bookings_list_query_count_does_not_grow_with_bookings_or_bookers(
    client_for, practice_manager_a, publish, hub, hub_receptionist, hub_books_for_a, practice_a
):
    from tests.factories import UrgentCareFactory, staff

    client = client_for(practice_manager_a)
    slots = list(publish(weeks=2)[0].slots.order_by("start"))
    bookings.book_slot(
        by=actor_for(hub_receptionist),
        slot=slots[0],
        patient=PatientFactory(registered_practice=practice_a),
    )
    url = reverse("booking:practice_bookings")
    few = _queries(client, url)
    for slot in slots[1:4]:
        bookings.book_slot(
            by=actor_for(hub_receptionist),
            slot=slot,
            patient=PatientFactory(registered_practice=practice_a),
        )
    service = UrgentCareFactory()
    clinician = staff(service, "urgent-care-clinician")
    agreement(practice_a, service, Scope.BOOKING, by=practice_manager_a)
    from booking.models import Audience
    from booking.services.sessions import RuleSpec

    for slot in publish(rules=(RuleSpec(audience=Audience.URGENT_CARE),))[0].slots.all()[:2]:
        bookings.book_slot(
            by=actor_for(clinician),
            slot=slot,
            patient=PatientFactory(registered_practice=practice_a),
        )
    assert Booking.objects.count() == 6
    assert _queries(client, url) == few


def test_a_booked_slot_shows_the_appointments_state_once(
    client_for, practice_manager_a, receptionist_practice_a, publish, patient_a
):
    from booking.services import bookings
    from tests.governance.helpers import actor_for

    slot = publish()[0].slots.first()
    bookings.book_slot(by=actor_for(receptionist_practice_a), slot=slot, patient=patient_a)
    page = client_for(practice_manager_a).get(
        reverse("booking:session", args=[slot.session.public_id])
    )
    assert page.content.decode().count(">Booked</strong>") == 1
