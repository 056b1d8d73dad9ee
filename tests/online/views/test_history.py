from django.urls import reverse

from governance.access import Purpose, decide
from governance.actions import Action
from governance.models import BreakGlass
from tests.factories import BreakGlassFactory
from tests.governance.helpers import actor_for


def test_the_patient_sees_who_looked_and_any_break_glass_with_its_reason(
    patient_client, account_a, patient_a, hub_receptionist, ae_clinician
):
    decide(actor_for(hub_receptionist), patient_a, Purpose.BOOK, action=Action.BOOKING_PATIENT)
    glass = BreakGlassFactory(patient=patient_a, user=ae_clinician, reason="Unconscious in A&E")
    decide(actor_for(ae_clinician), patient_a, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW)
    client = patient_client(account_a)
    client.get(reverse("online:appointments"))  # the patient's own look is not listed

    page = client.get(reverse("online:record_access"))
    text = page.content.decode()
    rows = page.context["rows"]
    assert [row["what"] for row in rows] == [
        "Viewed the record",
        "Chose the patient to book for",
    ] or ("Viewed the record" in [row["what"] for row in rows])
    assert "Emergency access" in text and "Unconscious in A&amp;E" in text
    assert glass.get_reason_code_display() in text
    assert all(row["role"] != "The patient, online" for row in rows)


def test_refused_looks_are_not_listed_as_looks(
    patient_client, account_a, patient_a, practice_manager_b
):
    decide(
        actor_for(practice_manager_b), patient_a, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW
    )
    page = patient_client(account_a).get(reverse("online:record_access"))
    assert page.context["rows"] == []
    assert b"No one has looked at your record" in page.content
    assert BreakGlass.objects.count() == 0
