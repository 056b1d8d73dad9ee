"""Reads that may be a moment behind, from a streaming replica (DATABASE_REPLICA_URL).

Search and reports read from the replica; everything else, and every read inside a
transaction, from the primary. A replica replays the primary's writes a little after they
commit, so a user who has just written (a booking, say) must not search a replica that has
not yet replayed their write: the slot they booked would show as free. So after any
request that may write, the primary's write position (its WAL LSN) is kept in the cache
for that user, and their replica reads go to the primary until the replica has replayed
that far. The booking itself locks and re-checks the slot on the primary whatever a page
showed.
"""

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_replica_reads = contextvars.ContextVar("replica_reads", default=False)


def has_replica() -> bool:
    return REPLICA in connections.settings


def read_alias() -> str:
    """Where a read goes now: the replica inside `replica_reads` (outside a transaction on
    the primary), else the primary. For raw cursors; the ORM asks the router."""
    if _replica_reads.get() and has_replica() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    """The ORM's reads as `read_alias` says; every write to the primary, as is every
    migration (the replica replays them)."""

    def db_for_read(self, model, **hints) -> str:
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same rows, whichever copy they were read from

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


def _pin_key(user_id: int) -> str:
    return f"replica-pin:{user_id}"


def remember_write(user_id: int) -> None:
    """Note how far the primary's log has gone since this user's last write: its insert
    position, which holds the write's commit record even before it reaches the disk (with
    asynchronous commit the write position can still be short of it)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        (position,) = cursor.fetchone()
    cache.set(_pin_key(user_id), position, settings.DATABASE_REPLICA_PIN_SECONDS)


def replica_has_caught_up(user_id: int | None) -> bool:
    """Whether the replica has replayed this user's last write (True if they made none
    lately). A replica that cannot be asked has not."""
    position = cache.get(_pin_key(user_id)) if user_id is not None else None
    if position is None:
        return True
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [position]
            )
            (caught_up,) = cursor.fetchone()
    except DatabaseError:
        return False
    return caught_up


@contextmanager
def replica_reads(user_id: int | None) -> Iterator[bool]:
    """Send this block's reads to the replica, if there is one and it has replayed the
    user's last write; yields whether they go there."""
    use = has_replica() and replica_has_caught_up(user_id)
    token = _replica_reads.set(use)
    try:
        yield use
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A view whose reads may come from the replica (`replica_reads` for the signed-in
    user). For a DRF view's method, wrap it with `method_decorator`."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        with replica_reads(user_id):
            return view(request, *args, **kwargs)

    return wrapped


class RememberWritesMiddleware:
    """After each request that may have written, remember the primary's log position for
    its user (browser session or API token alike), so their next search reads what they
    wrote. Nothing to do without a replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in WRITE_METHODS and has_replica():
            user = getattr(request, "user", None)  # an API token's user is set by now
            if user is not None and user.is_authenticated:
                remember_write(user.pk)
        return response
