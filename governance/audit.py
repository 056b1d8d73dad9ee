"""The audit trail: append-only, hash-chained, written in the same transaction as the action.

Each event's hash covers its own fields and its predecessor's hash, so changing, removing or
re-ordering any event breaks the chain from that point (see `verify_chain`).
"""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from core.db import insert_row, prepared_cursor
from governance.models import AuditEvent

GENESIS_HASH = "0" * 64
# An arbitrary constant naming the advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 72_110_451

_HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_name",
    "actor_role",
    "actor_organisation_ods",
    "actor_organisation_name",
    "action",
    "patient_id",
    "object_type",
    "object_id",
    "purpose",
    "basis",
    "outcome",
    "reason",
    "request_id",
    "client_address",
    "previous_hash",
)


@dataclass(frozen=True)
class Actor:
    """Who is acting, for which organisation and in what role, from where."""

    user: object | None
    membership: object | None = None
    request_id: str = ""
    client_address: str | None = None

    @cached_property
    def permissions(self) -> frozenset:
        """What the acting role may do at the acting organisation (governance.permissions.Perm),
        read once per Actor, that is once per request or job."""
        from governance.permissions import membership_permissions

        return membership_permissions(self.user, self.membership)

    @classmethod
    def from_request(cls, request: HttpRequest) -> "Actor":
        user = request.user if request.user.is_authenticated else None
        return cls(
            user=user,
            membership=getattr(request, "acting", None),
            request_id=getattr(request, "request_id", ""),
            client_address=request.META.get("REMOTE_ADDR") or None,
        )

    @classmethod
    def system(cls, user=None) -> "Actor":
        """Background jobs and management commands."""
        return cls(user=user, request_id="system")


def event_hash(event: AuditEvent) -> str:
    values = {}
    for name in _HASHED_FIELDS:
        value = getattr(event, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_event(
    *,
    actor: Actor,
    action: str,
    outcome: str = AuditEvent.Outcome.ALLOWED,
    patient=None,
    obj=None,
    purpose: str = "",
    basis: str = "",
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain. `reason` is a short coded explanation, never clinical
    free text."""
    user = actor.user
    membership = actor.membership
    organisation = membership.organisation if membership else None
    event = AuditEvent(
        actor=user,
        actor_username=user.get_username() if user else "system",
        actor_name=user.get_full_name() if user else "Hub Diary",
        actor_role=membership.role if membership else "",
        actor_organisation_ods=organisation.ods_code if organisation else "",
        actor_organisation_name=organisation.name if organisation else "",
        action=action,
        patient=patient,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "public_id", getattr(obj, "pk", ""))) if obj else "",
        purpose=str(purpose),
        basis=str(basis),
        outcome=str(outcome),
        reason=reason[:300],
        request_id=actor.request_id[:64],
        client_address=actor.client_address,
    )
    # No savepoint: if the event cannot be written, the action it records must not commit.
    # Appends wait for each other from the lock to commit: only the link is made in there.
    with transaction.atomic(savepoint=False):
        last_sequence, last_hash = _lock_chain_head()
        event.sequence, event.previous_hash = last_sequence + 1, last_hash
        event.occurred_at = timezone.now()
        event.hash = event_hash(event)
        insert_row(event)
    return event


def _lock_chain_head() -> tuple[int, str]:
    """Take the chain's lock, held to commit, then read its last link: on PostgreSQL in one
    call (governance migration 0006); SQLite serialises writers by itself."""
    with prepared_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT * FROM governance_audit_chain_head(%s)", [_CHAIN_LOCK])
        else:
            cursor.execute(_LAST_LINK)
        last_sequence, last_hash = cursor.fetchone() or (None, None)
    return (last_sequence or 0, last_hash or GENESIS_HASH)


_LAST_LINK = "SELECT sequence, hash FROM governance_auditevent ORDER BY sequence DESC LIMIT 1"


@dataclass(frozen=True)
class BrokenLink:
    sequence: int
    problem: str


def verify_chain(events: Iterable[AuditEvent]) -> Iterator[BrokenLink]:
    """Walk events in sequence order and yield every link that does not hold."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    for event in events:
        if event.sequence != expected_sequence:
            yield BrokenLink(expected_sequence, f"event #{expected_sequence} is missing")
        if event.previous_hash != previous_hash:
            yield BrokenLink(event.sequence, "it does not follow the event before it")
        if event_hash(event) != event.hash:
            yield BrokenLink(event.sequence, "its contents were changed after it was written")
        expected_sequence = event.sequence + 1
        previous_hash = event.hash
