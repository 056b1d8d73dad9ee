"""The nodes of a deployment on one machine: gunicorn web nodes, Celery worker nodes and
beats, and the GP Connect sandbox standing in for the practices' systems, against one
PostgreSQL and one Redis. Every process runs in a session of its own and is stopped (its
children too) when the deployment ends, however it ends."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from bench.processes import free_port, start, stop, wait_for
from bench.server import Server

# Write-back timings short enough to watch: the sweep every second, a delivery's lease ten.
FAST_WRITE_BACK = {
    "WRITE_BACK_SWEEP_SECONDS": "1",
    "WRITE_BACK_LEASE_SECONDS": "10",
    "WRITE_BACK_RETRY_BASE_SECONDS": "1",
    "WRITE_BACK_RETRY_CAP_SECONDS": "2",
    "WRITE_BACK_MAX_ATTEMPTS": "60",
}


def database_url() -> str:
    """The URL of the database this process's Django uses, for the nodes to share it."""
    from django.db import connection

    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return (
        f"postgres://{params['USER']}{password}@{params['HOST']}:{params['PORT']}/{params['NAME']}"
    )


class Sandbox:
    """`python -m gpconnect.sandbox`: the practices' clinical systems."""

    def __init__(self, work: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = start(
            [sys.executable, "-m", "gpconnect.sandbox", "--port", str(self.port), "--db",
             str(work / "sandbox.sqlite3"), "--quiet"],
            work / "sandbox.log",
        )  # fmt: skip
        wait_for(self._answers, 30, "the GP Connect sandbox")

    def _answers(self) -> bool:
        try:
            return self._call("GET", "/_health")["status"] == "ok"
        except OSError:
            return False

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(  # noqa: S310 - our own sandbox on localhost
            self.url + path,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"},
            method=method,
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return json.load(answer)

    def latency(self, milliseconds: int) -> None:
        self._call("POST", "/_control", {"latency_ms": milliseconds})

    def booked_references(self, ods_code: str) -> list[str]:
        """The references of the live appointments in one practice's book, once each."""
        ledger = self._call("GET", f"/_ledger?practice={ods_code}")["appointments"]
        return [a["reference"] for a in ledger if a["status"] == "booked"]

    def stop(self) -> None:
        stop(self.process)


class Deployment:
    """Web nodes, worker nodes and beats sharing the database and Redis of the environment
    (DATABASE_URL as this process's Django sees it, CELERY_BROKER_URL, CACHE_URL)."""

    def __init__(self, work: Path | None = None) -> None:
        self.work = work or Path(tempfile.mkdtemp(prefix="hubdiary-scale-"))
        self.sent_file = self.work / "sent.jsonl"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "HUBDIARY_ENV": "development",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            # The storm's clients are few and busy: no per-token budget here.
            "API_TOKEN_REQUESTS_PER_MINUTE": "0",
            # Messages to patients go to one file that every worker appends to.
            "NOTIFICATIONS_BACKEND": "bench.scale.notifications.JsonLinesBackend",
            "SCALE_SENT_FILE": str(self.sent_file),
            **FAST_WRITE_BACK,
        }
        self.web: list[Server | None] = []
        self.workers: dict[str, subprocess.Popen] = {}
        self.beats: list[subprocess.Popen] = []
        self.worker_concurrency = 4  # deliveries in flight in each worker node

    # Web nodes ------------------------------------------------------------------------------

    def start_web(self, count: int, *, workers: int = 2, threads: int = 4) -> None:
        """gunicorn nodes, each with its own port and psycopg's connection pool."""
        pooled = {
            "DATABASE_POOL": "true",
            "DATABASE_CONN_MAX_AGE": "",
            "DATABASE_POOL_MIN_SIZE": "1",
            "DATABASE_POOL_MAX_SIZE": str(threads),
        }
        for _ in range(count):
            self.web.append(Server(workers=workers, threads=threads, env={**self.env, **pooled}))

    @property
    def web_ports(self) -> list[int]:
        return [server.port for server in self.web if server is not None]

    def kill_web(self, number: int) -> None:
        """SIGKILL to a web node, its master and every worker: requests cut off mid-way."""
        server = self.web[number]
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()
        server.log.unlink(missing_ok=True)
        self.web[number] = None

    # Worker nodes and beats -----------------------------------------------------------------

    def start_worker(self, name: str) -> None:
        log = self.work / f"worker-{name}.log"
        self.workers[name] = start(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "threads",
             "--concurrency", str(self.worker_concurrency), "--hostname", f"{name}@%h",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
            log,
            env=self.env,
        )  # fmt: skip
        wait_for(lambda: " ready." in log.read_text(errors="replace"), 60, f"worker {name}")

    def kill_worker(self, name: str) -> None:
        """SIGKILL to a worker node: no warm shutdown, nothing acknowledged or handed back."""
        process = self.workers.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def start_beats(self, count: int) -> None:
        """`count` beats, each with its schedule file (bench.scale.beat: the jobs whose
        duplicates would show, due every second)."""
        for number in range(count):
            self.beats.append(
                start(
                    [sys.executable, "-m", "celery", "-A", "bench.scale.beat", "beat",
                     "--schedule", str(self.work / f"beat-{number}"), "--max-interval", "1",
                     "--loglevel", "INFO"],
                    self.work / f"beat-{number}.log",
                    env=self.env,
                )
            )  # fmt: skip

    def beats_sent(self, entry: str) -> list[int]:
        """How often each beat has sent the job its schedule names `entry`."""
        return [
            (self.work / f"beat-{number}.log")
            .read_text(errors="replace")
            .count(f"Sending due task {entry} ")
            for number in range(len(self.beats))
        ]

    def stop_beats(self) -> None:
        for beat in self.beats:
            stop(beat)
        self.beats = []

    def messages_sent(self) -> list[dict]:
        if not self.sent_file.exists():
            return []
        return [json.loads(line) for line in self.sent_file.read_text().splitlines() if line]

    def stop(self) -> None:
        for beat in self.beats:
            stop(beat)
        for process in self.workers.values():
            stop(process)
        for server in self.web:
            if server is not None:
                server.__exit__(None, None, None)
        self.beats, self.workers, self.web = [], {}, []

    def __enter__(self) -> "Deployment":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
