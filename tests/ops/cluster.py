"""A fresh PostgreSQL cluster for a test: its own data directory and port, stopped and
removed afterwards. As scripts/with-services.sh does, it belongs to `postgres` when we are
root, since PostgreSQL refuses to run as root."""

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
