"""Search's raw SQL is the selector's own statement, and it reads slot_free_by_start."""

from django.db import connection

from bench.search import search_sql_for, without_limit


def test_hub_search_reads_slot_free_by_start(generated):
    hub = generated.hubs[0]
    user = generated.receptionists[hub.pk][0]
    sql = search_sql_for(hub.pk, user.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE booking_slot")
        # With so few rows a sequential scan would do; ask which index serves the order.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "slot_free_by_start" in plan, plan
    assert " LIMIT " in sql
    assert " LIMIT " not in without_limit(sql)
