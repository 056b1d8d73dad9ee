"""Hub free-slot search, at three depths: the selector's SQL through psycopg (the database's
floor), the selector in-process through the ORM, and the API under gunicorn beside a
trivial authenticated endpoint (the framework's floor)."""

import os
import re
import time
from collections import Counter

from bench import api
from bench.data import actor_for
from bench.server import Client, Server
from bench.stats import percentile, summary_ms


def search_sql_for(hub_id: int, user_id: int) -> str:
    """The SQL the selector runs for a hub's first page, parameters inlined, captured from
    the queryset as it executes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from booking.search import free_slots_for

    actor = actor_for(user_id, hub_id)
    now = timezone.now()
    # The API asks for one more than its page, to know whether there is a next page.
    with CaptureQueriesContext(connection) as captured:
        free_slots_for(actor=actor, start=now, end=now + api.WINDOW, limit=api.PAGE_SIZE + 1)
    slot_queries = [
        q["sql"] for q in captured.captured_queries if re.search(r'FROM "?booking_slot\b', q["sql"])
    ]
    if len(slot_queries) != 1:
        raise RuntimeError(f"Expected one slot query, saw {len(slot_queries)}")
    return slot_queries[0]


def without_limit(sql: str) -> str:
    """The same query for the whole window: every LIMIT dropped."""
    return re.sub(r" LIMIT \d+", "", sql)


def measure_raw_sql(samples: list[tuple[int, int]], requests: int, whole: int) -> dict:
    """Each sampled (hub, user)'s first-page query, and the whole window's, through psycopg
    (which prepares a statement after five runs): the database's floor, without planning."""
    import psycopg

    sqls = [search_sql_for(hub, user) for hub, user in samples]
    first, everything, rows_whole = [], [], []
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        for sql in sqls[:3]:  # warm the cache as the API run will have
            conn.execute(sql).fetchall()
        for i in range(requests):
            began = time.perf_counter()
            conn.execute(sqls[i % len(sqls)]).fetchall()
            first.append(time.perf_counter() - began)
        for i in range(whole):
            began = time.perf_counter()
            rows = conn.execute(without_limit(sqls[i % len(sqls)])).fetchall()
            everything.append(time.perf_counter() - began)
            rows_whole.append(len(rows))
        plan_first = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sqls[0]).fetchall()
        plan_whole = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + without_limit(sqls[0])).fetchall()
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "first_page": summary_ms(first),
        "whole_result": {**summary_ms(everything), "rows_p50": percentile(rows_whole, 50)},
        "sql": sqls[0],
        "plan_first": "\n".join(row[0] for row in plan_first),
        "plan_whole": "\n".join(row[0] for row in plan_whole),
        "pg_version": pg_version,
    }


def measure_selector(samples: list[tuple[int, int]], requests: int) -> dict:
    """The selector in-process through the ORM (no HTTP): what Django adds to the SQL."""
    from django.utils import timezone

    from booking.search import free_slots_for

    actors = [actor_for(user, hub) for hub, user in samples]
    times = []
    for i in range(requests):
        now = timezone.now()
        began = time.perf_counter()
        free_slots_for(
            actor=actors[i % len(actors)], start=now, end=now + api.WINDOW, limit=api.PAGE_SIZE + 1
        )
        times.append(time.perf_counter() - began)
    return summary_ms(times)


def measure_api(tokens: list[str], requests: int, whole: int, workers: int) -> dict:
    """The trivial endpoint and the first page in turn, then whole results following the
    cursors, each sampled receptionist's token in turn, through gunicorn."""
    with Server(workers=workers) as server:
        clients = [Client(server.port, token) for token in tokens]
        for client in clients[:3]:  # warm each worker's connection and caches
            for _ in range(3):
                api.first_page(client)
                api.trivial(client)
        trivial, first, everything, pages = [], [], [], []
        statuses: Counter = Counter()
        for i in range(requests):
            client = clients[i % len(clients)]
            began = time.perf_counter()
            statuses[api.trivial(client)] += 1
            trivial.append(time.perf_counter() - began)
            began = time.perf_counter()
            status, _ = api.first_page(client)
            first.append(time.perf_counter() - began)
            statuses[status] += 1
        for i in range(whole):
            began = time.perf_counter()
            _, n_pages = api.whole_result(clients[i % len(clients)])
            everything.append(time.perf_counter() - began)
            pages.append(n_pages)
    return {
        "trivial": summary_ms(trivial),
        "first_page": summary_ms(first),
        "whole_result": {**summary_ms(everything), "pages_p50": percentile(pages, 50)},
        "statuses": {str(k): v for k, v in statuses.items()},
        "server": f"gunicorn gthread {server.workers}x{server.threads}",
    }
