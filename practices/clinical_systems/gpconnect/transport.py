"""HTTP to practice systems: one pooled, kept-alive connection pool per practice system per
process, and the timeouts and retries of every request, each defined once.

A write-back delivery makes three or four calls to one practice system, and a worker makes
many deliveries at once, in threads: opening a connection (and, in production, a TLS
session) for every call would cost more than the call. So each process keeps one
`httpx.Client` per origin (scheme, host and port: the sandbox, serving many practices from
one host, is one pool), made on first use and shared by every thread; httpx's pool is
thread-safe, and keeps idle connections for `LIMITS.keepalive_expiry` seconds. A client
per practice system, rather than one for all, gives each its own `LIMITS`: a practice
system that stops answering holds its own connections, never everyone's.

A child process must not use its parent's connections: both would read and write one socket.
After `os.fork()` (Celery's prefork pool forks its workers after importing the tasks) the
child forgets the clients it inherited, without closing them (another of the parent's
threads may have been holding a pool's lock at the fork), and makes its own on first use.
"""

import os
import ssl
import threading
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from practices.clinical_systems.base import Rejected

from .answers import Answer, no_answer


@dataclass(frozen=True)
class Timeouts:
    """Seconds each part of a request may take. A write-back delivery's lease
    (`WRITE_BACK_LEASE_SECONDS`, 300) must outlast a delivery's dozen calls at their worst."""

    connect: float = 3.0  # to open a connection (TCP, and TLS where used)
    read: float = 10.0  # between the bytes of the answer, from the end of the request
    write: float = 5.0  # between the bytes of the request
    pool: float = 5.0  # for a free connection when the process's pool is in full use

    def for_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


@dataclass(frozen=True)
class Retries:
    """What the client itself tries again. Only what cannot have changed anything in the
    practice system: everything else is its caller's to retry (write-back's backoff)."""

    connect: int = 1  # a connection that could not be opened: nothing was sent
    stale_version: int = 3  # read-change-PUT rounds while the If-Match keeps going stale


DEFAULT_TIMEOUTS = Timeouts()
DEFAULT_RETRIES = Retries()
# Per practice system per process: enough for a worker's threads (Celery's threads pool,
# concurrency 32) to each have one; idle ones close before the sandbox's 30 s and most
# servers' keep-alive limits.
LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=32, keepalive_expiry=5.0)


def _no_cookies() -> CookieJar:
    """GP Connect is stateless: no cookie from one answer rides on another user's request."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class ConnectionPools:
    """This process's pooled clients, one per origin (and TLS context and connect retries)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: dict[tuple[object, ...], httpx.Client] = {}

    def client_for(
        self, url: httpx.URL, *, ssl_context: ssl.SSLContext | None, connect_retries: int
    ) -> httpx.Client:
        key = (url.scheme, url.host, url.port, ssl_context, connect_retries)
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    client = self._clients[key] = httpx.Client(
                        transport=httpx.HTTPTransport(
                            verify=ssl_context or True, limits=LIMITS, retries=connect_retries
                        ),
                        timeout=DEFAULT_TIMEOUTS.for_httpx(),
                        cookies=_no_cookies(),
                    )
        return client

    def close(self) -> None:
        """Close every pooled connection (a process's orderly end, and tests)."""
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def forget_after_fork(self) -> None:
        """In a forked child: let go of the parent's clients without touching them."""
        self._lock = threading.Lock()
        self._clients = {}


POOLS = ConnectionPools()
os.register_at_fork(after_in_child=POOLS.forget_after_fork)


@dataclass(frozen=True)
class Transport:
    """How one GP Connect client sends its requests: through this process's pool for the
    request's origin, with its timeouts."""

    timeouts: Timeouts = DEFAULT_TIMEOUTS
    connect_retries: int = DEFAULT_RETRIES.connect
    ssl_context: ssl.SSLContext | None = None

    def send(
        self,
        method: str,
        url: str,
        *,
        params: list[tuple[str, str]],
        headers: dict[str, str],
        content: bytes | None,
        writes: bool,
        what: str,
    ) -> Answer:
        """One request and its answer; a request that got none raises `answers.no_answer`'s
        exception (`writes`: the request may change the practice system)."""
        try:
            target = httpx.URL(url, params=params)
        except httpx.InvalidURL as exc:
            raise Rejected(f"The GP Connect endpoint for {what} is not a URL: {exc}") from exc
        client = POOLS.client_for(
            target, ssl_context=self.ssl_context, connect_retries=self.connect_retries
        )
        try:
            response = client.request(
                method, target, headers=headers, content=content, timeout=self.timeouts.for_httpx()
            )
        except httpx.TransportError as exc:
            raise no_answer(exc, writes=writes, what=what) from exc
        return Answer.from_response(response, writes=writes, what=what)
