"""The demo's embedded SQLite under load, for real: the app on an SQLite file in its own
process, a threaded server, people reading a page that writes an audit event on every
read while several clients race to book one slot through the API.

Every read writes (the audit trail), so SQLite's default deferred transactions turn
parallel readers into "database is locked" failures, and the losers of a booking race
into 500s instead of 409s. Settings give SQLite immediate transactions, a write-ahead log
and a busy timeout; this proves they are enough."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READERS, READS_EACH = 4, 25
RACERS, RACES = 6, 4
HTTP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory):
    """The app on a fresh SQLite file, as the demo runs it when DATABASE_URL is unset;
    yields its address and the seeded data."""
    folder = tmp_path_factory.mktemp("sqlite-demo")
    leave_out = {"DATABASE_URL", "CACHE_URL", "HUBDIARY_ENV", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in leave_out} | {
        "DATABASE_URL": f"sqlite:///{folder / 'hubdiary.sqlite3'}",
        "CELERY_BROKER_URL": "memory://",  # the write-back queue is not what is tested
        "PYTHONUNBUFFERED": "1",
    }

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    manage("migrate", "--noinput", "-v0")
    seeded = json.loads(
        manage("shell", "-c", "from tests.config.sqlite_seed import seed; seed()").splitlines()[-1]
    )
    port = _free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                    break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, (folder / "server.log").read_text()
                time.sleep(0.1)
        else:
            pytest.fail("The server did not start: " + (folder / "server.log").read_text())
        yield base, seeded, folder / "server.log"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _request(url: str, *, headers: dict, body: dict | None = None) -> tuple[int, dict | None]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (our own server on localhost)
        url, data=data, headers={**headers, "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_SECONDS) as response:  # noqa: S310
            status, kind, raw = response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        status, kind, raw = error.code, error.headers["Content-Type"], error.read()
    return status, (json.loads(raw) if kind == "application/json" else None)


def test_parallel_readers_and_a_booking_race_get_no_server_errors(sqlite_app):
    base, seeded, server_log = sqlite_app
    browser = {"Cookie": f"sessionid={seeded['session_cookie']}"}
    api = {"Authorization": f"Token {seeded['token']}"}
    patients = iter(seeded["nhs_numbers"])

    def read(reader: int) -> list[int]:
        patient = seeded["patients"][reader % len(seeded["patients"])]
        return [
            _request(f"{base}/patients/{patient}/", headers=browser)[0] for _ in range(READS_EACH)
        ]

    def race(slot: str, nhs_numbers: list[str]) -> list[tuple[int, str]]:
        start = threading.Barrier(len(nhs_numbers))

        def book(nhs_number: str) -> tuple[int, str]:
            start.wait()
            status, body = _request(
                f"{base}/api/v1/bookings/create/",
                headers=api,
                body={"slot_id": slot, "nhs_number": nhs_number, "description": "Review"},
            )
            return status, (body or {}).get("error", {}).get("code", "")

        with ThreadPoolExecutor(len(nhs_numbers)) as pool:
            return list(pool.map(book, nhs_numbers))

    races = [(slot, [next(patients) for _ in range(RACERS)]) for slot in seeded["slots"][:RACES]]
    with ThreadPoolExecutor(READERS + 1) as pool:
        readers = [pool.submit(read, n) for n in range(READERS)]
        racing = pool.submit(lambda: [race(slot, attempts) for slot, attempts in races])
        read_statuses = Counter(s for reader in readers for s in reader.result())
        race_results = racing.result()

    log = server_log.read_text()
    assert read_statuses == {200: READERS * READS_EACH}, (read_statuses, log[-3000:])
    for outcomes in race_results:
        assert Counter(outcomes) == {(201, ""): 1, (409, "slot-taken"): RACERS - 1}, (
            outcomes,
            log[-3000:],
        )
    assert "database is locked" not in log
