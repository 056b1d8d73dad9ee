"""Break-glass: step-up, a reason, a time limit, an alert without identifiers, a review."""

import datetime

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
    event = AuditEvent.objects.order_by("-sequence").first()
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
