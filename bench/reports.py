"""The report pages at national scale: a hub's Enhanced Access week, as a page and as a
CSV, read in-process through Django's test client (a signed-in page; what is measured is
the view, its queries and its template, not the network)."""

import random
import time

from bench.stats import summary_ms


def measure(hubs: dict[int, list[tuple[int, str]]], rng: random.Random, *, requests: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db.models import F
    from django.test import Client
    from django.urls import reverse

    from practices.models import Organisation

    sampled = rng.sample(sorted(hubs), min(5, len(hubs)))
    # The generated practices have no list sizes: give the sampled hubs' practices some, as
    # their practice managers would, so every figure is computed.
    Organisation.objects.filter(hubs__in=sampled).update(list_size=4000 + F("id") % 11000)
    users = get_user_model().objects.in_bulk([hubs[hub][0][0] for hub in sampled])
    clients = []
    for hub in sampled:
        client = Client()
        client.force_login(users[hubs[hub][0][0]])
        clients.append(client)
    url = reverse("reports:compliance")
    for client in clients:  # warm each session
        client.get(url)
    pages, downloads, statuses = [], [], {}
    for i in range(requests):
        client = clients[i % len(clients)]
        for times, query in ((pages, {}), (downloads, {"format": "csv"})):
            began = time.perf_counter()
            status = client.get(url, query).status_code
            times.append(time.perf_counter() - began)
            statuses[status] = statuses.get(status, 0) + 1
    return {
        "hubs": len(sampled),
        "compliance_page": summary_ms(pages),
        "compliance_csv": summary_ms(downloads),
        "statuses": {str(k): v for k, v in statuses.items()},
    }
