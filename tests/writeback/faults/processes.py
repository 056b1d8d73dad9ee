"""Real processes for the write-back fault tests: a Redis server that can be stopped and
started again on its port, the GP Connect sandbox, and Celery workers (with beat) pointed at
that Redis and at the test database."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], bool], *, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(every)
    raise AssertionError(f"Gave up after {timeout:.0f}s waiting for {what}")


def _stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 10):
    """Signal the process's whole group (a Celery worker and its pool), then make sure."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


class RedisServer:
    """A private Redis with no persistence: stopping it loses every queued task."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.answers, timeout=10, what="Redis to start")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        _stop(self.process, signal.SIGKILL)
        self.process = None


class Sandbox:
    """`python -m gpconnect.sandbox` in its own process, with its controls over HTTP."""

    def __init__(self, workdir: Path, latency_ms: int = 0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / "sandbox.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gpconnect.sandbox",
                "--port",
                str(self.port),
                "--db",
                str(workdir / "sandbox.sqlite3"),
                "--latency-ms",
                str(latency_ms),
                "--quiet",
            ],
            cwd=BASE_DIR,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._healthy, timeout=30, what="the GP Connect sandbox to start")

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"The sandbox exited with {self.process.returncode}")
        try:
            return self._get("/_health")["status"] == "ok"
        except OSError:
            return False

    def _get(self, path: str) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=5) as answer:  # noqa: S310
            return json.load(answer)

    def control(self, **faults) -> dict:
        request = urllib.request.Request(  # noqa: S310 - our own sandbox on localhost
            self.url + "/_control",
            data=json.dumps(faults).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            return json.load(answer)

    def ledger(self, ods: str) -> list[dict]:
        return self._get(f"/_ledger?practice={ods}")["appointments"]

    def requests(self, interaction: str) -> list[dict]:
        """The recent GP Connect requests of one interaction, as the sandbox logged them."""
        found = self._get("/_requests")["requests"]
        return [r for r in found if r["interaction"] == interaction]

    def stop(self) -> None:
        _stop(self.process)
        self.log.close()


def database_url_for_workers() -> str:
    """DATABASE_URL for the database pytest-django made for this test run (and this xdist
    worker), so a worker process sees what the test commits."""
    params = connection.settings_dict
    return (
        f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{params['NAME']}"
        if not params.get("PASSWORD")
        else f"postgres://{params['USER']}:{params['PASSWORD']}@{params['HOST']}:"
        f"{params['PORT']}/{params['NAME']}"
    )


class CeleryWorker:
    """`celery -A config worker` and `celery beat` beside it, with write-back timings short
    enough for a test. The worker runs as production does (config/celery.py): one process,
    Celery's threads pool, `concurrency` deliveries in flight at once."""

    def __init__(self, workdir: Path, broker_url: str, *, concurrency: int = 8, **env) -> None:
        self.workdir = workdir
        self.broker_url = broker_url
        self.concurrency = concurrency
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url_for_workers(),
            "CELERY_BROKER_URL": broker_url,
            "WRITE_BACK_SWEEP_SECONDS": "1",
            "WRITE_BACK_RETRY_BASE_SECONDS": "1",
            "WRITE_BACK_RETRY_CAP_SECONDS": "2",
            "WRITE_BACK_MAX_ATTEMPTS": "60",
            "WRITE_BACK_LEASE_SECONDS": "10",
            "LOG_LEVEL": "WARNING",
            **{name: str(value) for name, value in env.items()},
        }
        self.process: subprocess.Popen | None = None
        self.beat: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        self.process = self._spawn(
            "worker",
            "--pool",
            "threads",
            "--concurrency",
            str(self.concurrency),
            "--hostname",
            f"writeback-fault-{os.getpid()}-{self.starts}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        )
        log = self.workdir / f"worker-{self.starts}.log"
        wait_for(
            lambda: self.process.poll() is None and " ready." in log.read_text(errors="replace"),
            timeout=60,
            what="the Celery worker to be ready",
        )
        if self.beat is None:
            self.beat = self._spawn(
                "beat", "--schedule", str(self.workdir / "beat-schedule"), "--max-interval", "1"
            )

    def _spawn(self, command: str, *args: str) -> subprocess.Popen:
        log = open(self.workdir / f"{command}-{self.starts}.log", "w")  # noqa: SIM115
        try:
            return subprocess.Popen(
                [CELERY, "-A", "config", command, "--loglevel", "INFO", *args],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()

    def kill(self) -> None:
        """SIGKILL to the worker, and every delivery in flight in its threads: no warm
        shutdown, no acknowledgements."""
        _stop(self.process, signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.process, signal.SIGTERM, timeout=20)
        _stop(self.beat, signal.SIGTERM, timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n" + path.read_text(errors="replace")[-4000:]
            for path in sorted(self.workdir.glob("*.log"))
        )


class Workdir:
    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="hubdiary-writeback-"))

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
