import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caretracker.models import Task
from tests.caretracker.builders import enrolment_at, task_for


def test_the_care_home_accepts_a_task_from_its_inbox(
    client_for, resident, care_home, care_home_staff
):
    task = task_for(resident, care_home)
    client = client_for(care_home_staff)
    inbox = client.get(reverse("caretracker:inbox")).content.decode()
    assert reverse("caretracker:task", args=[task.public_id]) in inbox
    response = client.post(reverse("caretracker:task", args=[task.public_id]), {"do": "accept"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.ACCEPTED and task.accepted_by == care_home_staff


def test_handing_back_without_a_reason_says_what_to_fix(
    client_for, resident, care_home, care_home_staff
):
    task = task_for(resident, care_home)
    response = client_for(care_home_staff).post(
        reverse("caretracker:task", args=[task.public_id]), {"do": "hand-back", "note": ""}
    )
    assert response.status_code == 200 and "nhsuk-error-summary" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Task.Status.OFFERED


def test_a_rapid_response_shows_its_clock(client_for, resident, care_home, care_home_staff):
    task = task_for(resident, care_home, kind=Task.Kind.RAPID_RESPONSE, hours=1.5)
    page = client_for(care_home_staff).get(reverse("caretracker:task", args=[task.public_id]))
    assert "1 h 29 min left" in page.content.decode() or "1 h 30 min left" in page.content.decode()
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() - datetime.timedelta(minutes=20))
    page = client_for(care_home_staff).get(reverse("caretracker:task", args=[task.public_id]))
    assert "overdue" in page.content.decode() and "nhsuk-tag--red" in page.content.decode()


def test_the_inboxs_query_count_does_not_grow_with_its_tasks(
    client_for, practice_a, care_home, care_home_staff
):
    client = client_for(care_home_staff)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("caretracker:inbox")).status_code == 200
        return len(captured)

    def tasks(count):
        for _ in range(count):
            enrolment = enrolment_at(practice_a, team=((care_home, "care-home"),))
            task_for(enrolment, care_home)

    tasks(2)
    few = queries()
    tasks(10)
    assert queries() == few


def test_a_team_not_involved_gets_no_task(client_for, resident, care_home, practice_b):
    from practices.roles import Role
    from tests.factories import staff

    task = task_for(resident, care_home)
    stranger = staff(practice_b, Role.CLINICIAN)
    response = client_for(stranger).get(reverse("caretracker:task", args=[task.public_id]))
    assert response.status_code == 404
