"""Health for load balancers and orchestrators, with no sign-in and no patient data.

`/healthz` is liveness: the process answers, and nothing else is asked of it (a database
outage must not get every web node restarted). `/readyz` is readiness: the database
answers, the Celery broker can be reached and every migration on disk is applied, so the
node may be given traffic.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

# Once every migration is applied it stays so for this process's code: the migration files
# are read from disk only until then.
_migrated = False


def _database_ok() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _broker_ok() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def _migrations_ok() -> bool:
    global _migrated
    if _migrated:
        return True
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        return False
    _migrated = not pending
    return _migrated


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: answered without touching the database, the broker or the disk."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database, the broker and the migrations are ready, else 503
    naming what is not."""
    database = _database_ok()
    checks = {
        "database": "ok" if database else "unavailable",
        "broker": "ok" if _broker_ok() else "unavailable",
        # Without a database there is no knowing which migrations are applied.
        "migrations": ("ok" if _migrations_ok() else "pending") if database else "unknown",
    }
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
