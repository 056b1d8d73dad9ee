"""A fresh PostgreSQL cluster for a test, or a streaming replica of one: its own data
directory and port, stopped and removed afterwards. As scripts/with-services.sh does, it
belongs to `postgres` when we are root, since PostgreSQL refuses to run as root."""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# Trusted local connections, and no waiting for the disk: the cluster lives for one test.
_INITDB = ("-A", "trust", "-E", "UTF8", "--no-sync")


def pg_bin() -> Path:
    """The newest installed PostgreSQL's programs (Debian keeps each version apart)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name)
    )
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found: run 'make services'.")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_cluster_owner(*command: str | Path, check: bool = True) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    subprocess.run([*prefix, *map(str, command)], check=check, capture_output=True, timeout=60)


def psql(url: str, sql: str) -> str:
    """One statement through psql, its answer as plain text."""
    done = subprocess.run(
        [pg_bin() / "psql", "--dbname", url, "--no-psqlrc", "-tAqX", "--command", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip()


@contextmanager
def fresh_cluster() -> Iterator[str]:
    """Start a new cluster; yield the URL of its (empty) maintenance database."""
    # Beside the run's other servers when scripts/with-services.sh started them.
    root = Path(tempfile.mkdtemp(prefix="restore-", dir=os.environ.get("HUBDIARY_TEST_SERVICES")))
    root.chmod(0o755)
    data = root / "pg"
    data.mkdir()
    if os.getuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    binaries = pg_bin()
    port = _free_port()
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        _as_cluster_owner(binaries / "initdb", "-D", data, "-U", "hubdiary", *_INITDB)
        _as_cluster_owner(
            binaries / "pg_ctl", "-D", data, "-l", data / "server.log", "-w", "-o", options, "start"
        )
        yield f"postgres://hubdiary@127.0.0.1:{port}/postgres"
    finally:
        _as_cluster_owner(binaries / "pg_ctl", "-D", data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def streaming_replica(primary_url: str) -> Iterator[str]:
    """A hot standby of the cluster `primary_url` is in, made with pg_basebackup and
    streaming from it; yield the URL of the same database on the replica."""
    primary = urlsplit(primary_url)
    root = Path(tempfile.mkdtemp(prefix="replica-", dir=os.environ.get("HUBDIARY_TEST_SERVICES")))
    root.chmod(0o755)
    if os.getuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data = root / "pg"
    binaries = pg_bin()
    port = _free_port()
    # A hot standby needs at least the primary's figures for these, however it was started.
    at_least = " ".join(
        f"-c {name}={psql(primary_url, f'SHOW {name}')}"
        for name in (
            "max_connections",
            "max_worker_processes",
            "max_wal_senders",
            "max_prepared_transactions",
            "max_locks_per_transaction",
        )
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c hot_standby=on {at_least}"
    try:
        # -R writes the standby's settings (primary_conninfo, standby.signal).
        _as_cluster_owner(
            binaries / "pg_basebackup", "--host", primary.hostname, "--port", str(primary.port),
            "--username", primary.username, "--pgdata", data, "--wal-method", "stream",
            "--checkpoint", "fast", "--no-sync", "-R",
        )  # fmt: skip
        _as_cluster_owner(
            binaries / "pg_ctl", "-D", data, "-l", root / "server.log", "-w", "-o", options, "start"
        )
        yield urlunsplit(primary._replace(netloc=f"{primary.username}@127.0.0.1:{port}"))
    finally:
        _as_cluster_owner(binaries / "pg_ctl", "-D", data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(root, ignore_errors=True)
