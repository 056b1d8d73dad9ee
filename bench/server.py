"""The app under gunicorn, as production serves it, and a keep-alive client for its API."""

import http.client
import json
import os
import sys
import tempfile
from pathlib import Path

from bench.processes import free_port, port_open, start, stop, wait_for


class Server:
    """gunicorn serving the app on 127.0.0.1: gthread workers, keep-alive, DEBUG off,
    persistent database connections as in production."""

    def __init__(self, workers: int = 3, threads: int = 2, env: dict | None = None) -> None:
        self.port, self.workers, self.threads = free_port(), workers, threads
        self.log = Path(tempfile.mkstemp(prefix="hubdiary-bench-gunicorn-", suffix=".log")[1])
        env = {
            **os.environ,
            "HUBDIARY_ENV": "development",
            "DEBUG": "0",
            "DATABASE_CONN_MAX_AGE": "60",
            # A JSON line a request, as production logs (to this server's log file).
            "LOG_LEVEL": "INFO",
            **(env or {}),
        }
        self.process = start(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(threads),
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            self.log,
            env=env,
        )
        try:
            wait_for(lambda: port_open(self.port), 60, f"gunicorn (its log: {self.log})")
        except SystemExit:
            stop(self.process)
            raise

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        stop(self.process)
        self.log.unlink(missing_ok=True)


class Client:
    """A keep-alive HTTP client with an API token."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str) -> tuple[int, dict]:
        for attempt in range(2):
            try:
                self.conn.request(
                    "GET",
                    path,
                    headers={"Authorization": f"Token {self.token}", "Accept": "application/json"},
                )
                response = self.conn.getresponse()
                body = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        return response.status, json.loads(body) if body else {}
