"""Practice staff change who may book a published session: the release rules, the slots'
stored release windows that search reads, the audit trail, and who may not."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from booking.errors import SlotNotBookable
from booking.models import Audience, Booking, ReleaseRule, Session
from booking.services import bookings, sessions
from booking.services.sessions import RuleSpec
from core.time import LONDON
from governance.models import AuditEvent
from tests.conftest import HUB_NOW
from tests.factories import SiteFactory
from tests.governance.helpers import actor_for

URGENT_AT_8 = RuleSpec(
    audience=Audience.URGENT_CARE,
    opens=ReleaseRule.Opens.ON_DAY,
    opens_days_before=0,
    opens_time=datetime.time(8),
)


def _url(session: Session) -> str:
    return reverse("booking:session_rules", args=[session.public_id])


def _rules(session: Session) -> set[tuple]:
    return {
        (r.audience, r.opens, r.opens_minutes_before, r.opens_days_before, r.opens_time)
        for r in session.rules.all()
    }


def _form(**fields) -> dict:
    """The page's form as posted with nothing released, plus `fields`."""
    data = {f"{audience}-opens": "published" for audience in Audience.values}
    return {**data, **fields}


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), LONDON)


# Who may change the rules --------------------------------------------------------------


def test_changing_rules_asks_anonymous_visitors_to_sign_in(client, publish):
    [session] = publish()
    response = client.get(_url(session))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["hub_receptionist", "clinician_a", "ig_lead_a"])
def test_roles_that_do_not_run_sessions_cannot_change_rules(client_for, publish, persona, request):
    [session] = publish()
    client = client_for(request.getfixturevalue(persona))
    assert client.get(_url(session)).status_code == 403
    assert client.post(_url(session), _form()).status_code == 403
    assert _rules(session) == {("hub", "published", None, None, None)}


def test_another_practices_session_is_not_found_and_keeps_its_rules(
    client_for, publish, practice_manager_b
):
    [session] = publish()
    client = client_for(practice_manager_b)
    assert client.get(_url(session)).status_code == 404
    assert client.post(_url(session), _form()).status_code == 404
    assert _rules(session) == {("hub", "published", None, None, None)}
    assert not AuditEvent.objects.filter(action="session.release-rules").exists()


def test_the_service_refuses_another_practices_session(publish, practice_manager_b):
    [session] = publish()
    with pytest.raises(PermissionDenied):
        sessions.set_release_rules(by=actor_for(practice_manager_b), session=session, rules=())
    assert _rules(session) == {("hub", "published", None, None, None)}


# Seeing and changing them ----------------------------------------------------------------


def test_the_session_page_links_to_changing_who_may_book(
    client_for, receptionist_practice_a, publish
):
    [session] = publish()
    page = client_for(receptionist_practice_a).get(
        reverse("booking:session", args=[session.public_id])
    )
    assert f'href="{_url(session)}"'.encode() in page.content
    assert b'Change<span class="nhsuk-u-visually-hidden"> who may book</span>' in page.content


def test_the_page_starts_from_the_sessions_rules(client_for, practice_manager_a, publish):
    hub = RuleSpec(
        audience=Audience.HUB,
        opens=ReleaseRule.Opens.BEFORE_START,
        opens_minutes_before=48 * 60,
        cut_off_minutes=30,
        ods_codes=("U30003",),
        quota_per_day=4,
    )
    [session] = publish(rules=(hub, URGENT_AT_8))
    page = client_for(practice_manager_a).get(_url(session)).content.decode()
    assert "Change who may book" in page
    assert re.search(r'name="hub-release"[^>]*checked', page)
    checked = re.search(r'<input[^>]*name="hub-opens" value="before-start"[^>]*>', page)
    assert checked and "checked" in checked.group(0)
    assert 'name="hub-hours_before" value="48"' in page
    assert 'name="hub-cut_off_minutes" value="30"' in page
    assert 'name="hub-ods_codes" value="U30003"' in page
    assert 'name="hub-quota_per_day" value="4"' in page
    assert re.search(r'name="urgent-care-release"[^>]*checked', page)
    assert 'name="urgent-care-opens_time" value="08:00"' in page
    assert not re.search(r'name="online-release"[^>]*checked', page)
    assert (
        '<label class="nhsuk-label" for="id_urgent-care-opens_time">Time on the day</label>' in page
    )


def test_changing_the_rules_restamps_every_slot_and_is_audited(
    client_for, practice_manager_a, publish
):
    [session] = publish(rules=(HUB_NOW,))
    client = client_for(practice_manager_a)
    response = client.post(
        _url(session),
        _form(
            **{
                "hub-release": "on",
                "hub-opens": "before-start",
                "hub-hours_before": "24",
                "hub-cut_off_minutes": "60",
                "online-release": "on",
                "online-opens": "on-day",
                "online-opens_time": "08:00",
                "online-days_before": "1",
                "widen": "on",
                "widen_hours": "3",
                "widen_to": ["urgent-care"],
            }
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:session", args=[session.public_id])
    assert _rules(session) == {
        ("hub", "before-start", 24 * 60, None, None),
        ("online", "on-day", None, 1, datetime.time(8)),
        ("urgent-care", "before-start", 180, None, None),
    }
    for slot in session.slots.all():
        day = timezone.localtime(slot.start, LONDON).date()
        assert slot.hub_opens_at == slot.start - datetime.timedelta(hours=24)
        assert slot.hub_closes_at == slot.start - datetime.timedelta(minutes=60)
        assert slot.online_opens_at == _local(day - datetime.timedelta(days=1), 8)
        assert slot.urgent_care_opens_at == slot.start - datetime.timedelta(hours=3)
    event = AuditEvent.objects.get(action="session.release-rules")
    assert event.actor == practice_manager_a and event.object_id == str(session.public_id)
    assert event.reason == "hub,online,urgent-care"
    page = client.get(response["Location"])
    assert b"Release rules saved" in page.content
    assert b"Released to patients online from 8am the day before" in page.content
    assert b"Released to urgent care from 3 hours before the start" in page.content


def test_new_rules_apply_to_the_next_booking_and_bookings_made_stand(
    client_for, practice_manager_a, publish, hub_receptionist, hub_books_for_a, patient_a
):
    [session] = publish(rules=(HUB_NOW,))
    first, second = session.slots.order_by("start")[:2]
    made = bookings.book_slot(by=actor_for(hub_receptionist), slot=first, patient=patient_a)
    client_for(practice_manager_a).post(
        _url(session),
        _form(**{"hub-release": "on", "hub-opens": "on-day", "hub-opens_time": "12:00"}),
    )
    made.refresh_from_db()
    assert made.status == Booking.Status.BOOKED
    with pytest.raises(SlotNotBookable) as refused:
        bookings.book_slot(by=actor_for(hub_receptionist), slot=second, patient=patient_a)
    assert refused.value.reason_code == "embargoed"
    assert "Released to the hub from midday on the day" in refused.value.message


def test_releasing_to_nobody_keeps_the_slots_for_the_practice(
    client_for, practice_manager_a, publish
):
    [session] = publish(rules=(HUB_NOW, URGENT_AT_8))
    client_for(practice_manager_a).post(_url(session), _form())
    assert not session.rules.exists()
    assert not session.slots.filter(hub_opens_at__isnull=False).exists()
    assert not session.slots.filter(urgent_care_opens_at__isnull=False).exists()
    page = client_for(practice_manager_a).get(reverse("booking:session", args=[session.public_id]))
    assert b"Practice only" in page.content


def test_mistakes_are_shown_by_their_fields_and_nothing_changes(
    client_for, practice_manager_a, publish
):
    [session] = publish(rules=(HUB_NOW,))
    response = client_for(practice_manager_a).post(
        _url(session),
        _form(
            **{
                "hub-release": "on",
                "hub-opens": "before-start",
                "hub-hours_before": "48",
                "hub-opens_time": "08:00",
                "urgent-care-release": "on",
                "urgent-care-opens": "on-day",
                "urgent-care-opens_time": "eight",
            }
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert (
        '<a href="#id_hub-opens_time">The hub: Clear the time on the day: bookings open some '
        "hours before the start or at a time on the day, not both</a>"
    ) in page
    assert (
        '<a href="#id_urgent-care-opens_time">Urgent care: Enter the time on the 24-hour clock, '
        "for example 08:00</a>"
    ) in page
    assert "Unbooked slots:" not in page  # nothing to fix where nothing was chosen
    assert 'id="id_urgent-care-opens_time_error"' in page  # the message by the field too
    assert 'name="hub-hours_before" value="48"' in page  # what was typed is kept
    assert _rules(session) == {("hub", "published", None, None, None)}
    assert not AuditEvent.objects.filter(action="session.release-rules").exists()


def test_widening_with_no_audience_is_refused(client_for, practice_manager_a, publish):
    [session] = publish(rules=(HUB_NOW,))
    response = client_for(practice_manager_a).post(
        _url(session), _form(**{"hub-release": "on", "widen": "on", "widen_hours": ""})
    )
    page = response.content.decode()
    assert (
        '<a href="#id_widen_hours">Unbooked slots: Enter how many hours before the start</a>'
        in page
    )
    assert (
        '<a href="#id_widen_to_0">Unbooked slots: Select who to release unbooked slots to</a>'
        in page
    )
    assert _rules(session) == {("hub", "published", None, None, None)}


def test_a_cancelled_session_cannot_have_its_rules_changed(client_for, practice_manager_a, publish):
    [session] = publish(rules=(HUB_NOW,))
    sessions.cancel_session(by=actor_for(practice_manager_a), session=session, reason="GP unwell")
    client = client_for(practice_manager_a)
    page = client.get(_url(session))
    assert page.status_code == 200
    assert b"This session is cancelled, so who may book it can no longer be changed" in page.content
    assert b'name="hub-release"' not in page.content
    client.post(_url(session), _form())
    assert _rules(session) == {("hub", "published", None, None, None)}
    detail = client.get(reverse("booking:session", args=[session.public_id]))
    assert _url(session).encode() not in detail.content


def test_the_service_refuses_a_cancelled_or_ended_session(publish, practice_manager_a):
    actor = actor_for(practice_manager_a)
    cancelled, ended = publish(weeks=2)
    sessions.cancel_session(by=actor, session=cancelled, reason="GP unwell")
    Session.objects.filter(pk=ended.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    for session, message in ((cancelled, "is cancelled"), (ended, "has ended")):
        with pytest.raises(ValidationError, match=message):
            sessions.set_release_rules(by=actor, session=session, rules=())
        assert _rules(session) == {("hub", "published", None, None, None)}


def test_the_service_refuses_an_incomplete_rule_with_a_validation_error(
    publish, practice_manager_a
):
    """Not an IntegrityError from the database's check, and the old rules stay."""
    [session] = publish(rules=(HUB_NOW,))
    half = RuleSpec(audience=Audience.HUB, opens=ReleaseRule.Opens.BEFORE_START)
    with pytest.raises(ValidationError):
        sessions.set_release_rules(by=actor_for(practice_manager_a), session=session, rules=(half,))
    assert _rules(session) == {("hub", "published", None, None, None)}


# Publishing with a time on the day -------------------------------------------------------


def test_a_session_is_published_for_urgent_care_from_8am_on_the_day(
    client_for, practice_manager_a, practice_a
):
    site = SiteFactory(organisation=practice_a)
    day = timezone.localdate() + datetime.timedelta(days=3)
    response = client_for(practice_manager_a).post(
        reverse("booking:session_publish"),
        _form(
            **{
                "first_date_day": day.day,
                "first_date_month": day.month,
                "first_date_year": day.year,
                "start_time": "18:30",
                "end_time": "19:00",
                "weeks": "1",
                "site": site.public_id,
                "practitioner_role": "R0260",
                "session_type": "GP extended access",
                "slot_type": "Routine appointment",
                "slot_minutes": "15",
                "delivery_channel": "In-person",
                "national_category": "General Consultation Acute",
                "service_setting": "Extended Access Provision",
                "urgent-care-release": "on",
                "urgent-care-opens": "on-day",
                "urgent-care-opens_time": "08:00",
            }
        ),
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert _rules(session) == {("urgent-care", "on-day", None, 0, datetime.time(8))}
    assert {slot.urgent_care_opens_at for slot in session.slots.all()} == {_local(day, 8)}
    page = client_for(practice_manager_a).get(response["Location"])
    assert b"Released to urgent care from 8am on the day" in page.content
