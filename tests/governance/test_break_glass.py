"""Break-glass: step-up, a reason, a time limit, an alert without identifiers, a review."""

import datetime

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.models import Alert, AuditEvent, BreakGlass

FORM = {
    "reason_code": "emergency-care",
    "reason": "Unconscious in resus, no history available",
    "password": "correct-horse-battery",
}


def test_break_glass_requires_the_password_again(client_for, ae_clinician, patient_b):
    response = client_for(ae_clinician).post(
        reverse("governance:break_glass"),
        {**FORM, "nhs_number": patient_b.nhs_number, "password": "wrong"},
    )
    assert response.status_code == 200
    assert b"That password is not right" in response.content
    assert not BreakGlass.objects.exists()
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.outcome, event.patient) == ("break-glass.step-up", "denied", None)


def test_break_glass_requires_a_reason(client_for, ae_clinician, patient_b):
    response = client_for(ae_clinician).post(
        reverse("governance:break_glass"),
        {**FORM, "nhs_number": patient_b.nhs_number, "reason": "need it"},
    )
    assert b"Say in a sentence" in response.content
    assert not BreakGlass.objects.exists()


def test_break_glass_grants_time_boxed_access_and_alerts_the_practice(
    client_for, ae_clinician, patient_b, practice_b
):
    client = client_for(ae_clinician)
    detail = reverse("patients:detail", args=[patient_b.public_id])
    assert client.get(detail).status_code == 404
    response = client.post(
        reverse("governance:break_glass"), {**FORM, "nhs_number": patient_b.formatted_nhs_number}
    )
    assert response.status_code == 302 and response["Location"] == detail
    assert client.get(detail).status_code == 200

    event = BreakGlass.objects.get()
    assert event.expires_at - event.started_at == datetime.timedelta(minutes=60)
    alert = Alert.objects.get(organisation=practice_b)
    assert alert.kind == Alert.Kind.BREAK_GLASS and alert.reference == event.public_id
    for identifier in (patient_b.nhs_number, patient_b.family_name, patient_b.given_name):
        assert identifier not in alert.message
    audit = AuditEvent.objects.filter(action="break-glass", outcome="allowed").get()
    assert FORM["reason"] not in audit.reason  # no clinical free text in the trail

    BreakGlass.objects.filter(pk=event.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=61),
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert client.get(detail).status_code == 404


def test_unknown_nhs_number_is_only_revealed_after_step_up(client_for, ae_clinician):
    client = client_for(ae_clinician)
    wrong_password = client.post(
        reverse("governance:break_glass"),
        {**FORM, "nhs_number": "943 476 5919", "password": "nope"},
    )
    assert b"No patient" not in wrong_password.content
    right_password = client.post(
        reverse("governance:break_glass"), {**FORM, "nhs_number": "943 476 5919"}
    )
    assert b"No patient in Hub Diary has this NHS number" in right_password.content


def test_roles_without_break_glass_are_refused(client_for, hub_receptionist):
    assert client_for(hub_receptionist).get(reverse("governance:break_glass")).status_code == 403


# The step-up and the sign-in throttle ----------------------------------------------------


def _wrong_sign_in(username: str) -> int:
    return (
        Client()
        .post(reverse("login"), {"username": username, "password": "not-my-password"})
        .status_code
    )


def _break_glass(client, patient, password: str):
    return client.post(
        reverse("governance:break_glass"),
        {**FORM, "nhs_number": patient.nhs_number, "password": password},
    )


def test_wrong_step_up_passwords_count_towards_the_sign_in_lockout(
    client_for, ae_clinician, patient_b, settings
):
    """Four wrong passwords signing in, one at break-glass: locked out, as five wrong
    passwords signing in would lock them."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _wrong_sign_in("ae.clinician") == 200
    locked = _break_glass(client_for(ae_clinician), patient_b, "still-wrong")
    assert locked.status_code == 429
    assert b"Too many wrong passwords" in locked.content
    sign_in = Client().post(
        reverse("login"), {"username": "ae.clinician", "password": FORM["password"]}
    )
    assert sign_in.status_code == 429


def test_wrong_step_up_passwords_alone_lock_out(client_for, ae_clinician, patient_b, settings):
    client = client_for(ae_clinician)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _break_glass(client, patient_b, "wrong").status_code == 200
    assert _break_glass(client, patient_b, "wrong").status_code == 429
    assert _break_glass(client, patient_b, FORM["password"]).status_code == 429
    assert not BreakGlass.objects.exists()


def test_someone_locked_out_of_signing_in_is_locked_out_of_break_glass_and_audited(
    client_for, ae_clinician, patient_b, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _wrong_sign_in("ae.clinician")
    response = _break_glass(client_for(ae_clinician), patient_b, FORM["password"])
    assert response.status_code == 429
    assert b"Too many wrong passwords" in response.content
    assert not BreakGlass.objects.exists()
    event = AuditEvent.objects.order_by("-sequence").first()
    assert (event.action, event.outcome, event.patient, event.actor) == (
        "break-glass.step-up",
        "denied",
        None,
        ae_clinician,
    )
    assert "locked out" in event.reason
    # The patient was never looked up: no event names them.
    assert not AuditEvent.objects.filter(patient=patient_b).exists()


def test_the_throttle_keeps_no_patient_details_from_the_form(client_for, ae_clinician, patient_b):
    _break_glass(client_for(ae_clinician), patient_b, "wrong")
    attempt = AccessAttempt.objects.get(username="ae.clinician")
    kept = f"{attempt.get_data}\n{attempt.post_data}"
    assert patient_b.nhs_number not in kept
    assert FORM["reason"] not in kept
