import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from caretracker.models import Encounter, Task, TaskEvent
from governance.models import AuditEvent
from tests.caretracker.builders import care_plan_for, enrolment_at


def _contacts(enrolment, organisation, by, count):
    for minutes in range(count):
        Encounter.objects.create(
            patient=enrolment.patient,
            organisation=organisation,
            logged_by=by,
            kind=Encounter.Kind.OUT_OF_HOURS,
            occurred_at=timezone.now() - datetime.timedelta(minutes=minutes + 1),
            presenting_reason="Breathless",
            outcome=Encounter.Outcome.ADVICE,
        )


def _task(enrolment, to, by):
    task = Task.objects.create(
        enrolment=enrolment,
        title="Review pressure areas",
        from_organisation=enrolment.practice,
        created_by=by,
        assigned_organisation=to,
        due_at=timezone.now() - datetime.timedelta(hours=1),
    )
    TaskEvent.objects.create(task=task, kind=TaskEvent.Kind.CREATED, by=by, organisation=to)
    return task


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_timeline_merges_every_source_newest_first_and_pages(
    client_for, resident, care_home, ae_department, ae_clinician
):
    care_plan_for(resident)
    _task(resident, care_home, resident.key_worker)
    _contacts(resident, ae_department, ae_clinician, 30)
    client = client_for(resident.key_worker)
    url = reverse("caretracker:record", args=[resident.public_id])
    page = client.get(url)
    timeline = page.context["timeline"]
    assert [e.at for e in timeline.entries] == sorted(
        (e.at for e in timeline.entries), reverse=True
    )
    kinds = {e.kind for e in timeline.entries}
    assert {"plan", "task", "contact"} <= kinds
    older = client.get(url, {"before": timeline.next_cursor}).context["timeline"]
    assert older.entries and older.entries[0].at <= timeline.entries[-1].at
    assert AuditEvent.objects.filter(action="care.timeline").count() == 2


def test_the_timelines_query_count_does_not_grow_with_its_length(
    client_for, resident, ae_department, ae_clinician
):
    client = client_for(resident.key_worker)
    url = reverse("caretracker:record", args=[resident.public_id])
    _contacts(resident, ae_department, ae_clinician, 5)
    short = _queries(client, url)
    _contacts(resident, ae_department, ae_clinician, 60)
    assert _queries(client, url) == short


def test_the_caseloads_query_count_does_not_grow_with_the_residents(
    client_for, practice_a, care_home, care_home_staff
):
    client = client_for(care_home_staff)
    url = reverse("caretracker:caseload")

    def residents(count):
        for _ in range(count):
            enrolment = enrolment_at(
                practice_a, care_home=care_home, team=((care_home, "care-home"),)
            )
            care_plan_for(enrolment)
            _task(enrolment, care_home, enrolment.key_worker)

    residents(2)
    few = _queries(client, url)
    residents(10)
    assert _queries(client, url) == few


def test_a_care_home_sees_its_residents_with_their_overdue_tasks(
    client_for, resident, care_home, care_home_staff
):
    _task(resident, care_home, resident.key_worker)
    response = client_for(care_home_staff).get(reverse("caretracker:caseload"))
    (row,) = response.context["rows"]
    assert row.patient == resident.patient and row.overdue_tasks == 1 and row.to_accept == 1
    assert AuditEvent.objects.filter(action="care.caseload").exists()


def test_a_care_home_not_on_the_team_gets_no_record(client_for, practice_a, care_home_staff):
    other = enrolment_at(practice_a)
    response = client_for(care_home_staff).get(
        reverse("caretracker:record", args=[other.public_id])
    )
    assert response.status_code == 404
