"""The last walk of the audit trail as Prometheus sees it, read when /metrics is scraped."""

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from governance.models import AuditVerification


class AuditVerificationCollector(Collector):
    """Nothing until the trail has been verified once; then when, and what was broken."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        last = AuditVerification.objects.order_by("-finished_at").first()
        if last is None:
            return
        yield GaugeMetricFamily(
            "hubdiary_audit_verification_last_run_timestamp_seconds",
            "When the audit trail was last walked from end to end (Unix time).",
            value=last.finished_at.timestamp(),
        )
        yield GaugeMetricFamily(
            "hubdiary_audit_verification_broken_chains",
            "Audit chains with a broken link at the last walk of the trail.",
            value=last.broken_chains,
        )
        yield GaugeMetricFamily(
            "hubdiary_audit_verification_seals_broken",
            "1 if the seals did not hold at the last walk of the trail, else 0.",
            value=int(last.seals_broken),
        )
