"""The access report and its CSV export: filtered, paged, safe to open, and audited."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.actions import Action
from governance.audit import record_event
from governance.models import AuditEvent
from practices.roles import Role
from tests.factories import PatientFactory, staff
from tests.governance.helpers import actor_for


@pytest.fixture
def events(receptionist_practice_a, receptionist_practice_b, patient_a, patient_b):
    """A's receptionist viewed A's patient and was refused B's; B's receptionist viewed B's."""
    record_event(
        actor=actor_for(receptionist_practice_a),
        action="patient.view",
        patient=patient_a,
        basis="registered-practice",
    )
    record_event(
        actor=actor_for(receptionist_practice_a),
        action="patient.view",
        patient=patient_b,
        outcome=AuditEvent.Outcome.DENIED,
        reason="no basis for access",
    )
    record_event(
        actor=actor_for(receptionist_practice_b),
        action="patient.view",
        patient=patient_b,
        basis="registered-practice",
    )


def _rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_report_requires_sign_in(client, db):
    for name in ("governance:access_report", "governance:access_report_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["practice_manager_a", "receptionist_practice_a"])
def test_only_the_ig_lead_sees_the_report(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("governance:access_report")).status_code == 403
    assert client.get(reverse("governance:access_report_csv")).status_code == 403


def test_report_shows_own_patients_and_own_staff_only(
    client_for, ig_lead_a, events, patient_a, patient_b
):
    content = client_for(ig_lead_a).get(reverse("governance:access_report")).content.decode()
    assert "reception.a" in content
    assert "reception.b" not in content  # B's staff looking at B's patient is B's business
    assert "Denied" in content and "no basis for access" in content
    assert "Registered practice" in content


def test_report_filters(client_for, ig_lead_a, events, patient_a, patient_b):
    client = client_for(ig_lead_a)
    url = reverse("governance:access_report")

    def shown(**filters) -> list[tuple[str, str]]:
        """What the page lists, leaving out the IG lead's own looks at the report."""
        page = client.get(url, filters).context["page"]
        return sorted(
            (event.actor_username, event.patient.nhs_number if event.patient else "")
            for event in page
            if not event.action.startswith("audit.")
        )

    a_viewed_a = ("reception.a", patient_a.nhs_number)
    a_tried_b = ("reception.a", patient_b.nhs_number)
    assert shown() == sorted([a_viewed_a, a_tried_b])
    assert shown(nhs_number=patient_a.formatted_nhs_number) == [a_viewed_a]
    assert shown(nhs_number=patient_b.nhs_number, outcome="denied") == [a_tried_b]
    assert shown(outcome="allowed") == [a_viewed_a]
    assert shown(username="RECEPTION.A") == sorted([a_viewed_a, a_tried_b])
    assert shown(username="nobody") == []
    today = timezone.localdate()
    since_today = {"date_from_day": today.day, "date_from_month": today.month}
    assert shown(**since_today, date_from_year=today.year) == sorted([a_viewed_a, a_tried_b])
    assert shown(**since_today, date_from_year=today.year + 1) == []
    until_last_year = {"date_to_day": today.day, "date_to_month": today.month}
    assert shown(**until_last_year, date_to_year=today.year - 1) == []


def test_bad_filters_are_shown_not_run(client_for, ig_lead_a, events):
    response = client_for(ig_lead_a).get(
        reverse("governance:access_report"),
        {
            "nhs_number": "943 476 5918",
            "date_from_day": "2",
            "date_from_month": "1",
            "date_from_year": "2026",
            "date_to_day": "1",
            "date_to_month": "1",
            "date_to_year": "2026",
        },
    )
    content = response.content.decode()
    assert "There is a problem" in content
    assert "not a valid NHS number" in content
    assert "must be the same as or after" in content
    assert response.context["page"] is None


def test_viewing_the_report_is_audited_without_what_was_typed(
    client_for, ig_lead_a, events, patient_a
):
    client_for(ig_lead_a).get(
        reverse("governance:access_report"),
        {"nhs_number": patient_a.nhs_number, "username": "reception.a"},
    )
    event = AuditEvent.objects.get(action="audit.report")
    assert event.actor == ig_lead_a and event.patient == patient_a
    assert event.reason == "filters=nhs_number,username"
    assert "reception.a" not in event.reason and patient_a.nhs_number not in event.reason


def test_report_pages_fifty_events_at_a_time(client_for, ig_lead_a, receptionist_practice_a):
    actor = actor_for(receptionist_practice_a)
    for _ in range(55):
        record_event(actor=actor, action="patient.list")
    client = client_for(ig_lead_a)
    first = client.get(reverse("governance:access_report"), {"outcome": "allowed"})
    assert len(first.context["page"].object_list) == 50
    assert b"page=2" in first.content and b"outcome=allowed" in first.content
    second = client.get(reverse("governance:access_report"), {"outcome": "allowed", "page": 2})
    # 55 listings and the first look at the report, recorded once its page was drawn.
    assert len(second.context["page"].object_list) == 6


def test_report_query_count_does_not_grow(client_for, ig_lead_a, receptionist_practice_a):
    actor = actor_for(receptionist_practice_a)
    patient = PatientFactory(registered_practice=actor.membership.organisation)
    record_event(actor=actor, action="patient.view", patient=patient)
    client = client_for(ig_lead_a)
    client.get(reverse("governance:access_report"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("governance:access_report")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(30):
        record_event(actor=actor, action="patient.view", patient=PatientFactory())
    assert queries() == few


def test_csv_export_has_the_filtered_rows(client_for, ig_lead_a, events, patient_b):
    response = client_for(ig_lead_a).get(
        reverse("governance:access_report_csv"), {"outcome": "denied"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="access-report-A10001-{today}.csv"'
    )
    header, *rows = _rows(response)
    assert header[:3] == ["Event (chain:number)", "When (UK time)", "Username"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["Username"] == "reception.a"
    # Another practice's patient: their practice, not who they are (their practice's IG
    # lead reviews access to them).
    assert row["Patient NHS number"] == "" and row["Patient's practice ODS code"] == "B20002"
    assert all(patient_b.nhs_number not in cell for row in rows for cell in row)
    assert row["Outcome"] == "Denied"
    assert row["Role"] == "Practice receptionist"
    exported = AuditEvent.objects.get(action="audit.export")
    assert exported.actor == ig_lead_a and exported.reason == "filters=outcome"


def test_csv_export_defuses_spreadsheet_formulas(client_for, ig_lead_a, practice_a):
    mallory = staff(
        practice_a, Role.PRACTICE_RECEPTIONIST, username="mallory", first_name="=HYPERLINK("
    )
    mallory.last_name = '"http://evil.example")'
    mallory.save()
    actor = actor_for(mallory)
    for reason in ("+1+1", "-2", "@SUM(A1)", "plain"):
        record_event(actor=actor, action="patient.list", reason=reason)
    response = client_for(ig_lead_a).get(
        reverse("governance:access_report_csv"), {"username": "mallory"}
    )
    header, *rows = _rows(response)
    names = {row[header.index("Name")] for row in rows}
    reasons = {row[header.index("Reason")] for row in rows}
    assert names == {'\'=HYPERLINK( "http://evil.example")'}
    assert reasons == {"'+1+1", "'-2", "'@SUM(A1)", "plain"}


def test_csv_export_refuses_bad_filters(client_for, ig_lead_a):
    response = client_for(ig_lead_a).get(
        reverse("governance:access_report_csv"), {"outcome": "maybe"}
    )
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_the_report_names_its_own_practices_patients_only(
    client_for, ig_lead_a, receptionist_practice_a, patient_a, patient_b
):
    """The IG lead sees who their own patients are, and for another practice's patient that
    their staff tried to see, only the practice: the page audits the patients it names."""
    actor = actor_for(receptionist_practice_a)
    record_event(actor=actor, action=Action.PATIENT_VIEW, patient=patient_a)
    record_event(actor=actor, action=Action.PATIENT_VIEW, patient=patient_b, outcome="denied")
    page = client_for(ig_lead_a).get(reverse("governance:access_report")).content.decode()
    assert patient_a.formatted_nhs_number in page
    assert patient_b.formatted_nhs_number not in page and "A patient of Kirkgate Surgery" in page


def test_a_posted_nhs_number_comes_back_as_the_patients_id_never_in_the_address(
    client_for, ig_lead_a, events, patient_a
):
    client = client_for(ig_lead_a)
    response = client.post(
        reverse("governance:access_report"), {"nhs_number": patient_a.formatted_nhs_number}
    )
    assert response.status_code == 302
    location = response["Location"]
    assert f"patient_public_id={patient_a.public_id}" in location
    assert patient_a.nhs_number not in location
    page = client.get(location)
    shown = {event.patient_id for event in page.context["page"]}
    assert shown == {patient_a.pk}
    assert b"Filtered to one patient" in page.content
    unknown = client.post(reverse("governance:access_report"), {"nhs_number": "943 476 5919"})
    assert client.get(unknown["Location"]).context["page"].paginator.count == 0


def test_a_patients_access_history_links_to_the_report_by_id(client_for, ig_lead_a, patient_a):
    page = client_for(ig_lead_a).get(
        reverse("governance:patient_access_history", args=[patient_a.public_id])
    )
    assert f"?patient_public_id={patient_a.public_id}".encode() in page.content
    assert f"nhs_number={patient_a.nhs_number}".encode() not in page.content
