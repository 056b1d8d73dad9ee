"""The wall between the patient area and the staff pages."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone

from governance.actions import Action
from governance.models import AuditEvent
from tests.booking.builders import booking_at
from tests.test_url_coverage import ALL_URLS, PUBLIC, _url

STAFF_URLS = [
    (name, chain)
    for name, chain in ALL_URLS
    if not name.startswith("online:") and name not in PUBLIC and name != "home"
]


@pytest.mark.parametrize(("name", "chain"), STAFF_URLS, ids=[name for name, _ in STAFF_URLS])
def test_a_patient_gets_nothing_from_a_staff_page_and_the_attempt_is_audited(
    patient_client, account_a, name, chain
):
    response = patient_client(account_a).get(_url(name, chain))
    assert response.status_code == 404, name
    event = AuditEvent.objects.get(action=Action.ONLINE_STAFF_PAGE)
    assert event.outcome == AuditEvent.Outcome.DENIED
    assert event.patient_id == account_a.patient_id
    assert event.actor_role == "patient"
    assert event.chain == account_a.patient.registered_practice_id


def test_staff_signed_in_are_not_signed_in_to_the_patient_area(client_for, practice_manager_a):
    response = client_for(practice_manager_a).get(reverse("online:appointments"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("online:start"))


def test_a_patient_and_a_member_of_staff_in_one_browser_keep_two_sessions(
    patient_client, account_a, practice_manager_a
):
    client = patient_client(account_a)
    client.force_login(practice_manager_a)
    assert client.get(reverse("online:appointments")).status_code == 200
    assert client.get(reverse("patients:list")).status_code == 200
    assert not AuditEvent.objects.filter(action=Action.ONLINE_STAFF_PAGE).exists()


def test_patient_pages_are_never_cached(patient_client, account_a):
    response = patient_client(account_a).get(reverse("online:appointments"))
    assert response["Cache-Control"] == "no-store"


def test_another_patients_appointment_is_not_found_and_the_attempt_is_audited(
    patient_client, account_b, practice_a
):
    booking = booking_at(practice_a)
    response = patient_client(account_b).get(
        reverse("online:appointment", args=[booking.public_id])
    )
    assert response.status_code == 404
    refused = AuditEvent.objects.get(action=Action.BOOKING_VIEW, outcome=AuditEvent.Outcome.DENIED)
    assert refused.patient_id == booking.patient_id
    assert refused.actor_username == account_b.user.username


def test_signing_in_sets_the_patient_areas_own_cookie(client, account_a, settings):
    account_a.email = "ada@example.com"
    account_a.password = make_password("correct horse battery")
    account_a.email_verified_at = timezone.now()
    account_a.save()
    response = client.post(
        reverse("online:sign_in"), {"email": "ada@example.com", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert settings.PATIENT_SESSION_COOKIE_NAME in response.cookies
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert client.get(reverse("online:appointments")).status_code == 200
    assert client.get(reverse("patients:list")).status_code == 404
