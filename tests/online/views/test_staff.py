import datetime

from django.urls import reverse
from django.utils import timezone

from governance.actions import Action
from governance.models import AuditEvent
from online import accounts
from online.models import LinkageKey, WaitingListEntry
from tests.online.builders import waiting_entry_at


def test_a_practice_prints_a_registration_letter_whose_key_works(
    client_for, practice_manager_a, patient_a
):
    response = client_for(practice_manager_a).post(
        reverse("online_staff:registration_key", args=[patient_a.public_id])
    )
    assert response.status_code == 200
    key = response.context["key"]
    assert key.encode() in response.content
    assert patient_a.formatted_nhs_number.encode() in response.content
    account = accounts.register_with_key(
        actor=accounts.Actor(user=None),
        key=key,
        nhs_number=patient_a.nhs_number,
        date_of_birth=patient_a.date_of_birth,
        family_name=patient_a.family_name,
        email="ada@example.com",
        password="long enough password",
    )
    assert account.patient == patient_a


def test_another_practice_cannot_print_a_key_for_a_patient(
    client_for, practice_manager_b, patient_a
):
    response = client_for(practice_manager_b).post(
        reverse("online_staff:registration_key", args=[patient_a.public_id])
    )
    assert response.status_code == 404
    assert not LinkageKey.objects.exists()


def test_the_hub_sees_its_waiting_list_audited_with_the_patients_shown(
    client_for, hub_receptionist, hub, practice_a, practice_b, hub_books_for_a
):
    mine = waiting_entry_at(practice_a, hub=hub)
    elsewhere = waiting_entry_at(practice_b)  # another hub's list
    page = client_for(hub_receptionist).get(reverse("online_staff:waiting_list"))
    assert page.status_code == 200
    assert mine.patient.formatted_nhs_number.encode() in page.content
    assert elsewhere.patient.formatted_nhs_number.encode() not in page.content
    event = AuditEvent.objects.get(action=Action.WAITING_LIST_VIEW)
    assert set(event.listed_patients.values_list("patient", flat=True)) == {mine.patient_id}


def test_a_receptionist_adds_a_patient_and_takes_them_off(
    client_for, hub_receptionist, hub, patient_a, hub_books_for_a
):
    client = client_for(hub_receptionist)
    url = reverse("online_staff:add_to_waiting_list", args=[patient_a.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"weekdays": ["6", "7"], "contact_by": "email"})
    assert response.status_code == 302
    entry = WaitingListEntry.objects.get()
    assert (entry.hub, entry.patient, entry.added_by) == (hub, patient_a, hub_receptionist)
    client.post(reverse("online_staff:remove_from_waiting_list", args=[entry.public_id]))
    entry.refresh_from_db()
    assert entry.status == WaitingListEntry.Status.LEFT


def test_the_fill_rate_counts_offers_accepted(client_for, hub_receptionist, hub, practice_a):
    entry = waiting_entry_at(practice_a, hub=hub)
    WaitingListEntry.objects.filter(pk=entry.pk).update(
        status=WaitingListEntry.Status.BOOKED, closed_at=timezone.now()
    )
    page = client_for(hub_receptionist).get(reverse("online_staff:waiting_list"))
    assert page.context["closed"] == {"closed": 1, "booked": 1}
    assert page.context["made"]["made"] == 0
    assert datetime.timedelta(days=page.context["days"]).days == 28
