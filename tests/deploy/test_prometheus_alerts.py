"""The alert rules name only metrics that /metrics exports: an alert on a metric that was
renamed or never existed would never fire."""

import io
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from practices.models import ClinicalSystemLink
from tests.booking.builders import booking_at
from writeback.models import WriteBackMessage

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "alerts.yml"
TOKEN = "alert-rules-test-token"

# PromQL's own words: functions, aggregations and keywords, never metric names.
PROMQL_WORDS = {
    "sum", "min", "max", "avg", "count", "rate", "increase", "irate", "delta", "time",
    "absent", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
    "or", "unless", "offset", "histogram_quantile", "humanize", "inf", "nan",
}  # fmt: skip
# The series a TYPE line's name stands for (a counter's is written with its _total).
SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "summary": ("_sum", "_count")}


def _alerts() -> list[dict]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def metrics_named(expr: str) -> set[str]:
    """The metric names in a PromQL expression: its identifiers, less label matchers, label
    lists after by/without, strings, durations and PromQL's own words."""
    expr = re.sub(r'"[^"]*"', "", expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)
    names = re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", expr)
    return {name for name in names if name.lower() not in PROMQL_WORDS}


def exported_names(text: str) -> set[str]:
    """Every series name a scrape can hold, from its TYPE lines (a labelled counter with no
    count yet has a TYPE line and no sample)."""
    names = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, flags=re.MULTILINE):
        names |= {name + suffix for suffix in SUFFIXES.get(kind, ("",))}
    return names


def test_the_rules_file_holds_alerts_each_with_a_severity_and_a_summary():
    alerts = _alerts()
    assert {alert["alert"] for alert in alerts} >= {
        "WriteBackOutboxStuck",
        "WriteBackFailures",
        "AuditTrailBroken",
        "WebErrorRate",
    }
    for alert in alerts:
        assert alert["labels"]["severity"] in {"warning", "critical"}, alert["alert"]
        assert alert["annotations"]["summary"], alert["alert"]


def test_metrics_named_reads_a_promql_expression():
    expr = 'sum by (practice) (rate(a_total{outcome=~"x|y"}[5m])) / on (practice) b > 2 * 86400'
    assert metrics_named(expr) == {"a_total", "b"}


@pytest.mark.parametrize("alert", _alerts(), ids=lambda alert: alert["alert"])
def test_every_alert_names_only_metrics_we_export(client, db, settings, alert):
    settings.METRICS_TOKEN = TOKEN
    # The gauges read from the database appear once there is something to show.
    booking = booking_at()
    ClinicalSystemLink.objects.create(
        practice=booking.slot.practice, base_url="http://practice.test/gpconnect"
    )
    WriteBackMessage.objects.create(
        booking=booking,
        operation=WriteBackMessage.Operation.BOOK,
        requested_by=booking.booked_by,
        requesting_organisation=booking.booking_organisation,
        next_attempt_at=timezone.now(),
    )
    call_command("verify_audit", stdout=io.StringIO())

    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    named = metrics_named(alert["expr"])
    assert named, alert["alert"]
    assert named <= exported_names(response.content.decode()), named - exported_names(
        response.content.decode()
    )
