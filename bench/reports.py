"""The reports at national scale: the summary tables recounted for every hub (the job's
nightly run), then five sampled hubs' report pages read in-process through Django's test
client, signed in as each hub's manager (what is measured is the view, its queries and its
template, not the network)."""

import random
import time

from bench.stats import summary_ms

PAGES = (
    ("compliance_page", "reports:compliance", {}),
    ("compliance_csv", "reports:compliance", {"format": "csv"}),
    ("utilisation_page", "reports:utilisation", {"by": "practice"}),
    ("utilisation_by_hour", "reports:utilisation", {"by": "hour"}),
    ("did_not_attend_page", "reports:did_not_attend", {"by": "channel"}),
    ("flows_page", "reports:flows", {}),
    ("fair_share_page", "reports:fair_share", {}),
    ("appointments_csv", "reports:appointments", {"format": "csv"}),
)


def measure(hubs: dict[int, list[tuple[int, str]]], rng: random.Random, *, requests: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db.models import F
    from django.test import Client
    from django.urls import reverse

    from governance.staff import grant_membership
    from practices.models import Organisation
    from practices.roles import Role
    from reports.models import BookingSummary, SlotSummary
    from reports.summaries import refresh_year

    began = time.perf_counter()
    written = refresh_year()
    refresh_seconds = time.perf_counter() - began

    sampled = rng.sample(sorted(hubs), min(5, len(hubs)))
    # The generated practices have no list sizes: give the sampled hubs' practices some, as
    # their practice managers would, so every figure is computed.
    Organisation.objects.filter(hubs__in=sampled).update(list_size=4000 + F("id") % 11000)
    clients = []
    for hub in Organisation.objects.filter(pk__in=sampled).order_by("pk"):
        manager = get_user_model().objects.create(
            username=f"{hub.ods_code.lower()}.manager", first_name="Bench", last_name="Manager"
        )
        grant_membership(by=None, user=manager, organisation=hub, role=Role.HUB_MANAGER)
        client = Client()
        client.force_login(manager)
        clients.append(client)
    results: dict = {
        "hubs": len(sampled),
        "summary_refresh": {
            "seconds": round(refresh_seconds, 2),
            "rows_written": written,
            "slot_rows": SlotSummary.objects.count(),
            "booking_rows": BookingSummary.objects.count(),
        },
    }
    statuses: dict[str, int] = {}
    for name, url_name, query in PAGES:
        url = reverse(url_name)
        for client in clients:  # warm each session
            client.get(url, query)
        times = []
        for i in range(requests):
            client = clients[i % len(clients)]
            start = time.perf_counter()
            status = client.get(url, query).status_code
            times.append(time.perf_counter() - start)
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        results[name] = summary_ms(times)
    results["statuses"] = statuses
    return results
