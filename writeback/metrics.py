"""The outbox as Prometheus sees it, read when /metrics is scraped: for each practice with
write-back waiting, how many messages and how long the oldest has waited, in one grouped
query over the open messages (the partial index `write_back_due` holds just those)."""

from collections.abc import Iterator

from django.db.models import Count, F, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from writeback.models import WriteBackMessage

LABELS = ["practice", "system"]
NOT_LINKED = "not-linked"


def open_messages_by_practice() -> list[dict]:
    """Per practice with open messages: its ODS code, its clinical system's kind, how many
    are open and when the oldest was written."""
    return list(
        WriteBackMessage.objects.filter(state__in=WriteBackMessage.OPEN_STATES)
        .values(
            practice=F("booking__slot__practice__ods_code"),
            system=F("booking__slot__practice__clinical_system_link__kind"),
        )
        .annotate(depth=Count("id"), oldest=Min("created_at"))
        .order_by()
    )


class OutboxCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "hubdiary_write_back_outbox_depth",
            "Write-back messages waiting or being sent, per practice and clinical system.",
            labels=LABELS,
        )
        age = GaugeMetricFamily(
            "hubdiary_write_back_outbox_oldest_age_seconds",
            "How long the oldest open write-back message has waited, per practice and "
            "clinical system.",
            labels=LABELS,
        )
        now = timezone.now()
        for row in open_messages_by_practice():
            labels = [row["practice"], row["system"] or NOT_LINKED]
            depth.add_metric(labels, row["depth"])
            age.add_metric(labels, max((now - row["oldest"]).total_seconds(), 0.0))
        yield depth
        yield age
