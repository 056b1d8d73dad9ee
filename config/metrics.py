"""/metrics for Prometheus: django-prometheus's request and database metrics, our own
counters (`core.metrics`), and gauges read from the database as the scrape asks for them
(the write-back outbox, the last walk of the audit trail).

Not public: a scrape needs `Authorization: Bearer <METRICS_TOKEN>` or to come from an
address in METRICS_ALLOWED_NETWORKS. No patient data is in any metric.
"""

import hmac
import ipaddress
import os
from collections.abc import Iterator
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Metric,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.registry import Collector

from governance.metrics import AuditVerificationCollector
from writeback.metrics import OutboxCollector

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def process_registry() -> CollectorRegistry:
    """The counters and histograms of every process on this host, added up from the files
    in PROMETHEUS_MULTIPROC_DIR when it is set (gunicorn workers, Celery processes), or of
    this process alone."""
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


class _Scrape(Collector):
    """What a web node's /metrics answers with: the processes' metrics and the database's."""

    def collect(self) -> Iterator[Metric]:
        yield from process_registry().collect()
        yield from OutboxCollector().collect()
        yield from AuditVerificationCollector().collect()


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def may_scrape(request: HttpRequest) -> bool:
    """The bearer token, if one is set, or an address in an allowed network; else no one."""
    token = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in network for network in _networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_scrape(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(_Scrape()), content_type=CONTENT_TYPE_LATEST)


def serve_worker_metrics(port: int) -> None:
    """A Celery worker's own counters (write-back outcomes, bookings its tasks make) on
    `port`, from a thread of the worker's main process. The database gauges are left to the
    web nodes, so they are scraped once."""
    start_http_server(port, registry=process_registry())
