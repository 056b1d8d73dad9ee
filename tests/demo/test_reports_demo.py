"""The demo's hub manager sees this week's Enhanced Access, with shortfalls marked, and the
weeks before it in the other reports."""

import csv
import datetime
import io

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from demo.hub import LIST_SIZES, PRACTICES


def test_the_hub_manager_sees_the_weeks_enhanced_access_with_shortfalls(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="hub.manager"))

    response = client.get(reverse("reports:compliance"))

    page = response.content.decode()
    assert response.status_code == 200
    for practice in PRACTICES:
        if practice.ods_code in LIST_SIZES:
            assert escape(practice.name) in page
    assert "All practices together" in page and 'class="app-chart"' in page
    assert "nhsuk-tag--red" in page  # a shortfall, marked
    csv = client.get(reverse("reports:compliance"), {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and b"Minutes per 1,000" in csv.content


def _hub_manager() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="hub.manager"))
    return client


def test_the_demo_has_weeks_of_history_to_report_on(demo):
    page = _hub_manager().get(reverse("reports:utilisation"), {"by": "week"}).content.decode()
    assert page.count("Week of ") >= 4 and 'class="app-chart"' in page
    flows = _hub_manager().get(reverse("reports:flows")).content.decode()
    assert "Practices outside the hub" not in flows  # every demo patient is a member's


def test_the_demos_monthly_appointment_data_counts_its_bookings(demo):
    from booking.models import Booking
    from core.time import london_day_end, london_day_start
    from reports.extract import FIELDS, month_of

    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    response = _hub_manager().get(
        reverse("reports:appointments"), {"month": f"{last_month:%Y-%m}", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert response["Content-Type"].startswith("text/csv")
    assert tuple(rows[0]) == FIELDS
    first, last = month_of(last_month)
    live = Booking.objects.filter(
        start__gte=london_day_start(first), start__lt=london_day_end(last)
    ).exclude(status=Booking.Status.CANCELLED)
    assert sum(int(row["COUNT_OF_APPOINTMENTS"]) for row in rows) == live.count() > 0
    did_not_attend = live.filter(status=Booking.Status.DID_NOT_ATTEND).count()
    assert sum(int(r["COUNT_OF_APPOINTMENTS"]) for r in rows if r["APPT_STATUS"] == "DNA") == (
        did_not_attend
    )
