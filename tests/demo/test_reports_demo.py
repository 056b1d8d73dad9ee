"""The demo's hub manager sees this week's Enhanced Access, with shortfalls marked."""

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
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
