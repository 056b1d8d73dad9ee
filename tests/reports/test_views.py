"""The Enhanced Access page: its chart, its table and its CSV say the same, in a bounded
number of queries whatever the hub's size."""

import csv
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
