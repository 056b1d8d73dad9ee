"""The Enhanced Access page: its chart, its table and its CSV say the same, in a bounded
number of queries whatever the hub's size."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from practices.services import set_list_size
from reports.compliance import week_of
from tests.factories import PracticeFactory


@pytest.fixture
def week(hub, practice_a, practice_b, practice_manager_a, publish):
    """Practice A (3,000 patients) has one evening session of six 15-minute slots in the coming
    days; practice B (no list size yet) none."""
    set_list_size(
        by=practice_manager_a, practice=practice_a, patients=3000, on=timezone.localdate()
    )
    (session,) = publish(days_ahead=2)
    return week_of(timezone.localtime(session.starts_at).date())[0]


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))


def test_a_hub_manager_sees_each_practice_and_the_hub_with_shortfalls(
    client_for, hub_manager, week
):
    client = client_for(hub_manager)
    url = reverse("reports:compliance")

    page = client.get(url, {"week": week.isoformat()}).content.decode()
    rows = {
        row["Organisation"]: row
        for row in _csv(client.get(url, {"week": week.isoformat(), "format": "csv"}))
    }

    riverside = rows["Riverside Medical Centre"]
    assert riverside["Minutes offered"] == "90" and riverside["Minutes required"] == "180"
    assert riverside["Minutes per 1,000 patients"] == "30.0"
    assert rows["Kirkgate Surgery"]["Minutes per 1,000 patients"] == ""  # no list size
    assert rows["Aire Valley Hub"]["Minutes offered"] == "90"
    # The chart's bars carry the same figures as the table and the download.
    bars = dict(
        re.findall(
            r'class="app-chart__label">([^<]+)</text>\s*<rect[^>]*></rect>\s*<text[^>]*>([\d.]+)',
            page,
        )
    )
    assert bars["Riverside Medical Centre"] == "30.0"
    assert '30.0 <strong class="nhsuk-tag nhsuk-tag--red">Short</strong>' in page
    assert "Not given yet: Kirkgate Surgery" in page


def test_a_practice_manager_sees_their_practice_alone(client_for, practice_manager_a, week):
    rows = _csv(
        client_for(practice_manager_a).get(
            reverse("reports:compliance"), {"week": week.isoformat(), "format": "csv"}
        )
    )
    assert [row["Organisation"] for row in rows] == ["Riverside Medical Centre"]


def test_the_page_runs_the_same_queries_however_many_practices_and_slots(
    client_for, hub, hub_manager, week, publish, django_assert_num_queries
):
    client = client_for(hub_manager)
    url = reverse("reports:compliance")
    client.get(url, {"week": week.isoformat()})  # warm what a session caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url, {"week": week.isoformat()})
    for _ in range(3):
        hub.member_practices.add(PracticeFactory())
    publish(days_ahead=3)
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"week": week.isoformat()})
    assert len(many) == len(few)


def test_a_week_that_cannot_be_read_shows_this_week(client_for, hub_manager, week):
    response = client_for(hub_manager).get(reverse("reports:compliance"), {"week": "next tuesday"})
    monday = week_of(timezone.localdate())[0]
    assert response.status_code == 200
    assert monday.strftime("%-d %B") in response.content.decode()


# The pages on the summary tables (tests/reports/conftest.py: past_morning) ---------------


def _chart_texts(page: str) -> dict[str, str]:
    """Each bar's label and the figure it carries."""
    bars = re.findall(
        r'class="app-chart__label">([^<]+)</text>\s*<rect[^>]*></rect>\s*'
        r"<text[^>]*>([^<]*)</text>",
        page,
    )
    return {label: html.unescape(text) for label, text in bars}


def _table(page: str) -> dict[str, list[str]]:
    """The first report table's rows: label and cells as the page shows them."""
    body = page[page.index('<tbody class="nhsuk-table__body">') : page.index("</tbody>")]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        row = re.sub(r'<span class="nhsuk-table-responsive__heading"[^>]*>.*?</span>', "", row)
        label = re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", row, re.S)[1])
        cells = [
            re.sub(r"<[^>]+>", "", cell).replace("&lt;", "<")
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        rows[label.strip()] = cells
    return rows


def _days(day):
    return {
        "date_from_day": day.day,
        "date_from_month": day.month,
        "date_from_year": day.year,
        "date_to_day": day.day,
        "date_to_month": day.month,
        "date_to_year": day.year,
    }


def test_utilisation_chart_table_and_csv_agree_on_known_answers(
    client_for, hub_manager, past_morning
):
    client = client_for(hub_manager)
    url = reverse("reports:utilisation")
    query = {**_days(past_morning), "by": "practice"}

    page = client.get(url, query).content.decode()
    download = _csv(client.get(url, {**query, "format": "csv", "table": "utilisation"}))

    expected = {
        "Riverside Medical Centre": ["36", "30", "19", "9", "6", "83.3%"],
        "Kirkgate Surgery": ["24", "6", "6", "0", "18", "25.0%"],
        "All": ["60", "36", "25", "9", "24", "60.0%"],
    }
    assert _table(page) == expected
    assert {row["Practice"]: [row[h] for h in list(row)[1:]] for row in download} == expected
    assert _chart_texts(page) == {name: cells[-1] for name, cells in expected.items()}


def test_small_numbers_are_withheld_alike_in_chart_table_and_csv(
    client_for, hub_manager, past_morning
):
    """By channel: NHS 111's 3 did-not-attends are under 5, so its row is withheld, and
    the online row beside it (or the totals would give NHS 111's away)."""
    client = client_for(hub_manager)
    url = reverse("reports:did_not_attend")
    query = {**_days(past_morning), "by": "channel"}

    page = client.get(url, query).content.decode()
    download = _csv(client.get(url, {**query, "format": "csv"}))

    expected = {
        "Hub": ["20", "6", "30.0%"],
        "NHS 111": ["<5", "<5", "<5"],
        "Online": ["<5", "<5", "<5"],
        "All": ["36", "9", "25.0%"],
    }
    assert _table(page) == expected
    assert {row["How it was booked"]: list(row.values())[1:] for row in download} == expected
    assert _chart_texts(page) == {label: cells[-1] for label, cells in expected.items()}


def test_dna_by_lead_time_and_reminder(client_for, hub_manager, past_morning):
    client = client_for(hub_manager)
    url = reverse("reports:did_not_attend")
    by_lead = _csv(client.get(url, {**_days(past_morning), "by": "lead_time", "format": "csv"}))
    assert [row["Time from booking to appointment"] for row in by_lead] == [
        "Same Day",
        "2 to 7 Days",
        "All",
    ]
    assert by_lead[1]["Did not attend"] == "9" and by_lead[1]["Did-not-attend rate"] == "30.0%"
    by_reminder = _csv(client.get(url, {**_days(past_morning), "by": "reminded", "format": "csv"}))
    assert {row["Reminder the day before"]: row["Appointments"] for row in by_reminder} == {
        "No reminder": "6",
        "Reminder sent": "30",
        "All": "36",
    }


def test_flows_show_where_each_practices_patients_were_seen(client_for, hub_manager, past_morning):
    rows = _csv(
        client_for(hub_manager).get(
            reverse("reports:flows"), {**_days(past_morning), "format": "csv", "table": "flows"}
        )
    )
    matrix = {row["Registered practice"]: row for row in rows}
    assert matrix["Riverside Medical Centre"]["Riverside Medical Centre"] == "20"
    assert matrix["Kirkgate Surgery"]["Riverside Medical Centre"] == "10"
    assert matrix["Kirkgate Surgery"]["Kirkgate Surgery"] == "6"
    assert matrix["All"]["Total"] == "36"


def test_fair_share_shows_each_practices_imbalance(client_for, hub_manager, past_morning):
    """A gave 36 of the hub's 60 slots (60%) and its patients had 20 of 36 (55.6%); B gave
    24 (40%) and its patients had 16 (44.4%)."""
    rows = _csv(
        client_for(hub_manager).get(
            reverse("reports:fair_share"), {**_days(past_morning), "format": "csv"}
        )
    )
    by_practice = {row["Practice"]: row for row in rows}
    assert by_practice["Riverside Medical Centre"]["Imbalance (points)"] == "-4.4"
    assert by_practice["Kirkgate Surgery"]["Imbalance (points)"] == "+4.4"
    assert by_practice["Kirkgate Surgery"]["Appointments used by its patients"] == "16"


def test_a_practice_manager_reports_on_their_own_practice(
    client_for, practice_manager_b, past_morning
):
    rows = _csv(
        client_for(practice_manager_b).get(
            reverse("reports:utilisation"), {**_days(past_morning), "format": "csv"}
        )
    )
    assert [row["Practice"] for row in rows] == ["Kirkgate Surgery", "All"]


def test_dates_that_cannot_be_read_are_shown_in_the_error_summary(client_for, hub_manager, db):
    response = client_for(hub_manager).get(
        reverse("reports:utilisation"),
        {"date_from_day": "31", "date_from_month": "2", "date_from_year": "2026"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page and "Enter a real date" in page


def test_report_pages_run_the_same_queries_whatever_the_data(
    client_for, hub, hub_manager, past_morning, publish
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.summaries import refresh_recent

    client = client_for(hub_manager)
    urls = [
        reverse(name)
        for name in (
            "reports:utilisation",
            "reports:fair_share",
            "reports:did_not_attend",
            "reports:flows",
            "reports:appointments",
        )
    ]
    for url in urls:
        client.get(url, _days(past_morning))  # warm what a session caches

    def queries():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, _days(past_morning)).status_code == 200
            counts.append(len(captured))
        return counts

    few = queries()
    for _ in range(3):
        hub.member_practices.add(PracticeFactory())
    publish(days_ahead=3)
    refresh_recent()
    assert queries() == few


def test_the_monthly_appointment_data_has_the_national_fields_and_counts(
    client_for, hub_manager, past_morning
):
    response = client_for(hub_manager).get(
        reverse("reports:appointments"), {"month": f"{past_morning:%Y-%m}", "format": "csv"}
    )
    rows = _csv(response)
    assert list(rows[0]) == [
        "APPOINTMENT_MONTH_START_DATE",
        "GP_CODE",
        "GP_NAME",
        "SERVICE_SETTING",
        "NATIONAL_CATEGORY",
        "HCP_TYPE",
        "APPT_MODE",
        "TIME_BETWEEN_BOOK_AND_APPT",
        "APPT_STATUS",
        "COUNT_OF_APPOINTMENTS",
    ]
    counts: dict[tuple, int] = {}
    for row in rows:
        key = (row["GP_CODE"], row["APPT_STATUS"], row["TIME_BETWEEN_BOOK_AND_APPT"])
        counts[key] = counts.get(key, 0) + int(row["COUNT_OF_APPOINTMENTS"])
    assert counts == {
        ("A10001", "Attended", "2 to 7 Days"): 19,
        ("A10001", "DNA", "2 to 7 Days"): 9,
        ("A10001", "Unknown", "2 to 7 Days"): 2,
        ("B20002", "Attended", "Same Day"): 6,
    }
    assert {row["APPT_MODE"] for row in rows} == {"Face-to-Face"}
    assert {row["HCP_TYPE"] for row in rows} == {"GP"}
    assert {row["SERVICE_SETTING"] for row in rows} == {"Extended Access Provision"}
    assert (
        rows[0]["APPOINTMENT_MONTH_START_DATE"]
        == past_morning.replace(day=1).strftime("%d%b%Y").upper()
    )


def test_reports_are_for_the_roles_that_report(client_for, receptionist_practice_a, db):
    response = client_for(receptionist_practice_a).get(reverse("reports:utilisation"))
    assert response.status_code == 403
