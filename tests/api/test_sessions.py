"""A practice's sessions and slots through the API: publishing, reading, release rules,
cancelling, blocking; the permissions and audit of the session pages."""

import datetime

from django.utils import timezone

from booking.models import Session, Slot
from governance.models import AuditEvent
from tests.api.helpers import audited_patients, book, error_of, slots_of, token_client
from tests.factories import ClinicianFactory, SiteFactory

SESSIONS = "/api/v1/sessions/"


def _publish_body(site, clinician=None, **extra) -> dict:
    return {
        "site_id": str(site.public_id),
        **({"clinician_id": str(clinician.public_id)} if clinician else {}),
        "first_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "start_time": "18:30",
        "end_time": "19:30",
        "slot_minutes": 15,
        **extra,
    }


def test_a_practice_publishes_weekly_sessions_released_to_the_hub(practice_manager_a, practice_a):
    site = SiteFactory(organisation=practice_a)
    doctor = ClinicianFactory(organisation=practice_a)
    response = token_client(practice_manager_a).post(
        SESSIONS, _publish_body(site, doctor, weeks=2), format="json"
    )
    assert response.status_code == 201, response.json()
    published = response.json()
    assert len(published) == 2
    assert published[0]["practitioner_role"] == doctor.job_role
    assert [rule["audience"] for rule in published[0]["rules"]] == ["hub"]
    session = Session.objects.get(public_id=published[0]["id"])
    assert session.slots.count() == 4
    assert session.slots.first().hub_opens_at is not None
    assert AuditEvent.objects.filter(action="session.publish").count() == 1


def test_publishing_without_a_clinician_needs_a_role(practice_manager_a, practice_a):
    site = SiteFactory(organisation=practice_a)
    client = token_client(practice_manager_a)
    response = client.post(SESSIONS, _publish_body(site), format="json")
    assert list(error_of(response)["details"]["fields"]) == ["practitioner_role"]
    past = client.post(
        SESSIONS,
        _publish_body(site, practitioner_role="R0260", first_date="2020-01-06"),
        format="json",
    )
    assert list(error_of(past)["details"]["fields"]) == ["first_date"]
    assert not Session.objects.exists()


def test_sessions_are_published_at_your_own_sites_only(practice_manager_a, practice_b):
    response = token_client(practice_manager_a).post(
        SESSIONS,
        _publish_body(SiteFactory(organisation=practice_b), practitioner_role="R0260"),
        format="json",
    )
    assert error_of(response)["code"] == "site-not-found"


def test_a_hub_does_not_run_sessions(hub_receptionist, publish):
    session = publish()[0]
    client = token_client(hub_receptionist)
    for response in (client.get(SESSIONS), client.get(f"{SESSIONS}{session.public_id}/")):
        assert response.status_code == 403


def test_another_practices_session_is_not_found(practice_manager_b, publish):
    session = publish()[0]
    response = token_client(practice_manager_b).get(f"{SESSIONS}{session.public_id}/")
    assert error_of(response)["code"] == "session-not-found"


def test_a_session_shows_its_slots_and_audits_the_patients_booked(
    publish, practice_manager_a, hub_receptionist, hub_books_for_a, patient_a
):
    session = publish()[0]
    slots = slots_of(session)
    booking = book(token_client(hub_receptionist), slots[0], patient_a).json()
    response = token_client(practice_manager_a).get(f"{SESSIONS}{session.public_id}/")
    assert response.status_code == 200
    rows = response.json()["slots"]
    assert [row["state"] for row in rows[:2]] == ["booked", "free"]
    assert rows[0]["booking_id"] == booking["id"]
    event = AuditEvent.objects.filter(action="booking.session").latest("id")
    assert audited_patients(event) == {patient_a}


def test_sessions_list_from_a_moment_a_page_at_a_time(publish, practice_manager_a):
    first = publish(weeks=3)
    client = token_client(practice_manager_a)
    page = client.get(SESSIONS, {"page_size": 2}).json()
    rest = client.get(SESSIONS, {"page_size": 2, "cursor": page["next_cursor"]}).json()
    ids = [s["id"] for s in page["results"] + rest["results"]]
    assert ids == [str(s.public_id) for s in first]


def test_changing_release_rules_restamps_free_slots(publish, practice_manager_a):
    session = publish()[0]
    response = token_client(practice_manager_a).put(
        f"{SESSIONS}{session.public_id}/rules/",
        {
            "rules": [
                {"audience": "online"},
                {"audience": "hub", "opens": "before-start", "opens_minutes_before": 120},
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert sorted(r["audience"] for r in response.json()["rules"]) == ["hub", "online"]
    slot = session.slots.order_by("start").first()
    assert slot.online_opens_at is not None
    assert slot.hub_opens_at == slot.start - datetime.timedelta(minutes=120)


def test_an_incomplete_rule_is_refused(publish, practice_manager_a):
    session = publish()[0]
    response = token_client(practice_manager_a).put(
        f"{SESSIONS}{session.public_id}/rules/",
        {"rules": [{"audience": "hub", "opens": "before-start"}]},
        format="json",
    )
    assert response.status_code == 400
    assert session.rules.get().audience == "hub"


def test_cancelling_a_session_lists_the_bookings_to_rebook(
    publish, practice_manager_a, hub_receptionist, hub_books_for_a, patient_a
):
    session = publish()[0]
    booking = book(token_client(hub_receptionist), slots_of(session)[0], patient_a).json()
    client = token_client(practice_manager_a)
    response = client.post(
        f"{SESSIONS}{session.public_id}/cancel/", {"reason": "GP unwell"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["session"]["status"] == "cancelled"
    assert response.json()["bookings_to_rebook"] == [booking["id"]]
    again = client.post(f"{SESSIONS}{session.public_id}/cancel/", {"reason": "x"}, format="json")
    assert again.status_code == 400


def test_blocking_and_unblocking_a_slot(publish, practice_manager_a, practice_manager_b):
    slot = slots_of(publish()[0])[0]
    client = token_client(practice_manager_a)
    blocked = client.post(
        f"/api/v1/slots/{slot.public_id}/block/", {"reason": "Late"}, format="json"
    )
    assert (blocked.status_code, blocked.json()["status"]) == (200, "blocked")
    twice = client.post(f"/api/v1/slots/{slot.public_id}/block/", {"reason": "x"}, format="json")
    assert twice.status_code == 400
    theirs = token_client(practice_manager_b).post(f"/api/v1/slots/{slot.public_id}/unblock/")
    assert error_of(theirs)["code"] == "slot-not-found"
    unblocked = client.post(f"/api/v1/slots/{slot.public_id}/unblock/")
    assert unblocked.json()["status"] == "free"
    assert Slot.objects.get(pk=slot.pk).status == Slot.Status.FREE


def test_a_blank_reason_is_refused(publish, practice_manager_a):
    slot = slots_of(publish()[0])[0]
    response = token_client(practice_manager_a).post(
        f"/api/v1/slots/{slot.public_id}/block/", {"reason": "   "}, format="json"
    )
    assert list(error_of(response)["details"]["fields"]) == ["reason"]


# The national appointment data -------------------------------------------------------------


def test_a_session_shows_its_national_category_and_setting(publish, practice_manager_a):
    session = publish()[0]
    Session.objects.filter(pk=session.pk).update(national_category="Clinical Triage")
    client = token_client(practice_manager_a)

    one = client.get(f"{SESSIONS}{session.public_id}/").json()
    listed = client.get(SESSIONS).json()["results"][0]

    for shown in (one, listed):
        assert shown["national_category"] == "Clinical Triage"
        assert shown["service_setting"] == "Extended Access Provision"


def test_publishing_takes_the_category_and_setting_given(practice_manager_a, practice_a):
    site = SiteFactory(organisation=practice_a)
    response = token_client(practice_manager_a).post(
        SESSIONS,
        _publish_body(
            site,
            practitioner_role="R0260",
            national_category="Structured Medication Review",
            service_setting="General Practice",
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    [shown] = response.json()
    assert (shown["national_category"], shown["service_setting"]) == (
        "Structured Medication Review",
        "General Practice",
    )
    session = Session.objects.get()
    assert (session.national_category, session.service_setting) == (
        "Structured Medication Review",
        "General Practice",
    )


def test_publishing_without_them_leaves_the_category_to_map_and_the_setting_to_the_rules(
    practice_manager_a, practice_a
):
    site = SiteFactory(organisation=practice_a)
    client = token_client(practice_manager_a)
    hubs = client.post(SESSIONS, _publish_body(site, practitioner_role="R0260"), format="json")
    own = client.post(
        SESSIONS,
        _publish_body(site, practitioner_role="R0260", rules=[{"audience": "practice"}]),
        format="json",
    )
    assert [hubs.json()[0]["national_category"], hubs.json()[0]["service_setting"]] == [
        "Unmapped",
        "Extended Access Provision",
    ]
    assert own.json()[0]["service_setting"] == "General Practice"


def test_publishing_refuses_a_category_or_setting_not_in_the_list(practice_manager_a, practice_a):
    site = SiteFactory(organisation=practice_a)
    client = token_client(practice_manager_a)
    for fields in (
        {"national_category": "Coffee morning"},
        {"service_setting": "Hospital"},
    ):
        response = client.post(
            SESSIONS, _publish_body(site, practitioner_role="R0260", **fields), format="json"
        )
        assert response.status_code == 400
        assert list(error_of(response)["details"]["fields"]) == list(fields)
    assert not Session.objects.exists()
