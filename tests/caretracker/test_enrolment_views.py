"""Keeping the care team: taking an organisation off, choosing the key worker, ending the
enrolment; and logging an admission or discharge onto the timeline."""

import datetime

from django.urls import reverse
from django.utils import timezone

from caretracker.models import CareTeamMember, Encounter, Enrolment, Task
from governance.models import Alert, AuditEvent
from tests.caretracker.builders import task_for


def test_the_practice_makes_a_care_home_nurse_the_key_worker(
    client_for, resident, clinician_a, care_home, care_home_staff
):
    client = client_for(clinician_a)
    url = reverse("caretracker:team", args=[resident.public_id])
    page = client.get(url).content.decode()
    assert care_home.name in page and care_home_staff.get_full_name() in page
    membership = care_home_staff.memberships.get()
    response = client.post(url, {"do": "key-worker", "membership": membership.pk})
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.key_worker == care_home_staff
    assert resident.key_worker_organisation == care_home
    assert AuditEvent.objects.filter(action="care.team", reason="key worker changed").exists()


def test_someone_off_the_team_cannot_be_made_key_worker(client_for, resident, clinician_a):
    from practices.roles import Role
    from tests.factories import OrganisationFactory, staff

    outsider = staff(OrganisationFactory(kind="care-home"), Role.CARE_HOME_STAFF)
    response = client_for(clinician_a).post(
        reverse("caretracker:team", args=[resident.public_id]),
        {"do": "key-worker", "membership": outsider.memberships.get().pk},
    )
    assert response.status_code == 200 and "nhsuk-error-summary" in response.content.decode()
    resident.refresh_from_db()
    assert resident.key_worker != outsider


def test_an_organisation_leaves_the_team_but_the_lead_stays(
    client_for, resident, clinician_a, care_home
):
    client = client_for(clinician_a)
    url = reverse("caretracker:team", args=[resident.public_id])
    home = CareTeamMember.objects.get(enrolment=resident, organisation=care_home)
    assert client.post(url, {"do": "remove", "member": home.pk}).status_code == 302
    home.refresh_from_db()
    assert home.removed_at is not None
    lead = CareTeamMember.objects.get(enrolment=resident, is_lead=True)
    refused = client.post(url, {"do": "remove", "member": lead.pk})
    assert "The team&#x27;s lead stays on the team." in refused.content.decode()
    assert client.post(url, {"do": "remove", "member": "nonsense"}).status_code == 200


def test_ending_the_enrolment_cancels_open_tasks_and_closes_the_record(
    client_for, resident, clinician_a, care_home, care_home_staff
):
    task = task_for(resident, care_home)
    Alert.objects.create(
        organisation=care_home, kind=Alert.Kind.TASK_ASSIGNED, message="m", reference=task.public_id
    )
    client = client_for(clinician_a)
    url = reverse("caretracker:end", args=[resident.public_id])
    blank = client.post(url, {"reason": ""})
    assert "nhsuk-error-summary" in blank.content.decode()
    assert client.post(url, {"reason": "Moved to another area"}).status_code == 302
    resident.refresh_from_db()
    assert resident.ended_at is not None and resident.end_reason == "Moved to another area"
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED
    assert not Alert.objects.filter(reference=task.public_id, resolved_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="care.discharge").exists()
    record = reverse("caretracker:record", args=[resident.public_id])
    assert client_for(care_home_staff).get(record).status_code == 404


def test_only_the_patients_practice_ends_the_enrolment(client_for, resident, care_home_staff):
    url = reverse("caretracker:end", args=[resident.public_id])
    assert client_for(care_home_staff).post(url, {"reason": "x"}).status_code == 403
    assert Enrolment.objects.get(pk=resident.pk).ended_at is None


def test_the_care_home_logs_an_admission_onto_the_timeline_and_the_key_worker_hears(
    client_for, resident, care_home_staff, sent_email, django_capture_on_commit_callbacks
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client = client_for(care_home_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("caretracker:hospital_stay", args=[resident.public_id]),
            {
                "kind": "admission",
                "on_day": yesterday.day,
                "on_month": yesterday.month,
                "on_year": yesterday.year,
                "at": "14:30",
                "presenting_reason": "Chest infection",
                "notes": "Ward 12, St James's",
            },
        )
    assert response.status_code == 302
    encounter = Encounter.objects.get(patient=resident.patient)
    assert encounter.kind == "admission" and encounter.outcome == "admitted"
    assert timezone.localtime(encounter.occurred_at).time() == datetime.time(14, 30)
    timeline = client.get(reverse("caretracker:record", args=[resident.public_id]))
    assert "Chest infection" in timeline.content.decode()
    assert Alert.objects.filter(kind=Alert.Kind.PATIENT_CONTACT, user=resident.key_worker).exists()
    assert [m["to"] for m in sent_email] == [resident.key_worker.email]


def test_an_admission_in_the_future_is_refused(client_for, resident, care_home_staff):
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    response = client_for(care_home_staff).post(
        reverse("caretracker:hospital_stay", args=[resident.public_id]),
        {
            "kind": "discharge",
            "on_day": tomorrow.day,
            "on_month": tomorrow.month,
            "on_year": tomorrow.year,
            "presenting_reason": "Home with a package of care",
        },
    )
    page = response.content.decode()
    assert "The date cannot be in the future." in page and "Home with a package" in page
    assert not Encounter.objects.exists()
