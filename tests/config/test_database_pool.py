"""DATABASE_POOL: each process borrows its connections from psycopg's pool, and a setting
that Django would refuse beside it is refused with a sentence saying what to do."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Four requests' worth of work, one after the other, as a web node's thread does them: each
# ends by closing its connection, as Django does at the end of a request. Prints how many
# server processes (connections) served them.
_REQUESTS = """
import django
django.setup()
from django.db import connection
pids = []
for _ in range(4):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pids.append(cursor.fetchone()[0])
    connection.close()
print(len(set(pids)))
"""


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("The pool is PostgreSQL's: run under scripts/with-services.sh.")
    return url


def test_a_pooled_connection_closed_at_the_end_of_a_request_is_reused_by_the_next(database_url):
    done = _run(
        _REQUESTS,
        DATABASE_POOL="true",
        DATABASE_CONN_MAX_AGE="",
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_POOL_MAX_SIZE="1",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def test_without_the_pool_each_request_opens_its_own_connection(database_url):
    done = _run(_REQUESTS, DATABASE_POOL="false", DATABASE_CONN_MAX_AGE="0")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "4"


def test_the_pool_beside_persistent_connections_is_refused_saying_what_to_change():
    done = _run("import django; django.setup()", DATABASE_POOL="true", DATABASE_CONN_MAX_AGE="60")
    assert done.returncode != 0
    assert "unset DATABASE_CONN_MAX_AGE" in done.stderr
