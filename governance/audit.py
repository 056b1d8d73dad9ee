"""The audit trail: append-only, hash-chained, written in the same transaction as the action.

One chain per acting organisation, and one for events with none (ADR 0005): an append
waits only for appends in its own chain. Each event's hash covers its own fields, its
chain, the patients it lists and its predecessor's hash, so changing, removing or
re-ordering any event, or any patient it lists, breaks its chain from that point (see
`verify_chain`).
"""

import hashlib
import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from core.db import insert_row, prepared_cursor
from core.metrics import ACCESS_REFUSALS, count_on_commit
from governance.actions import Action
from governance.models import AuditEvent, AuditEventPatient

if TYPE_CHECKING:
    from patients.models import Patient

GENESIS_HASH = "0" * 64
# An arbitrary constant naming the class of advisory locks, one per chain (the second key),
# that serialise appends to each chain.
_CHAIN_LOCKS = 72_110_451

# What the hash of an event in the chain from before partitioning covers (ADR 0005).
_HASHED_FIELDS_BEFORE_PARTITIONING = (
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
_HASHED_FIELDS = ("chain", *_HASHED_FIELDS_BEFORE_PARTITIONING, "patients_hash")


@dataclass(frozen=True)
class Actor:
    """Who is acting, for which organisation and in what role, from where."""

    user: object | None
    membership: object | None = None
    request_id: str = ""
    client_address: str | None = None
    # A patient acting for themselves online (patients.Patient): no organisation, their
    # own record only, their events in their practice's chain.
    patient: object | None = None
    # The person acting where it is not the signed-in user: the practitioner another
    # system's audit JWT names (the hub's GP Connect endpoint).
    name: str = ""

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
    def for_patient(cls, actor: "Actor", account) -> "Actor":
        """The patient of an online account (online.PatientAccount) acting for themselves,
        from where `actor` (`from_request` of the patient area) acts."""
        return cls(
            user=account.user,
            request_id=actor.request_id,
            client_address=actor.client_address,
            patient=account.patient,
        )

    @classmethod
    def system(cls, user=None) -> "Actor":
        """Background jobs and management commands."""
        return cls(user=user, request_id="system")


def event_hash(event: AuditEvent) -> str:
    """The event's fields, its chain's included, as a SHA-256 hex digest."""
    if event.chain == AuditEvent.CHAIN_BEFORE_PARTITIONING:
        names = _HASHED_FIELDS_BEFORE_PARTITIONING
    else:
        names = _HASHED_FIELDS
    values = {}
    for name in names:
        value = getattr(event, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def listed_patients_hash(patient_ids: Sequence[int]) -> str:
    """The ids of the patients an event lists, sorted, as a SHA-256 hex digest; empty for
    none, so that an event listing none needs no rows and no digest."""
    if not patient_ids:
        return ""
    return hashlib.sha256(json.dumps(sorted(patient_ids)).encode()).hexdigest()


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
    patients: Iterable["Patient"] = (),
) -> AuditEvent:
    """Append one event to the acting organisation's chain. `reason` is a short coded
    explanation, never clinical free text. `patients`: the patients one page of a list
    showed (one event per page), kept with the event and covered by its hash. `action` is
    one of the vocabulary's (governance.actions), so the access report can say it in words."""
    action = Action(action)
    user = actor.user
    membership = actor.membership
    organisation = membership.organisation if membership else None
    if organisation is not None:
        chain = organisation.pk
    elif actor.patient is not None:  # a patient online: in their practice's chain
        chain = actor.patient.registered_practice_id
    else:
        chain = AuditEvent.CHAIN_WITHOUT_ORGANISATION
    event = AuditEvent(
        chain=chain,
        actor=user,
        actor_username=user.get_username() if user else "system",
        actor_name=_actor_name(actor),
        actor_role=membership.role if membership else PATIENT_ROLE if actor.patient else "",
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
    listed = sorted({p.pk for p in patients})
    event.patients_hash = listed_patients_hash(listed)
    # No savepoint: if the event cannot be written, the action it records must not commit.
    # Appends to one chain wait for each other from the lock to commit: only the link is
    # made in there.
    with transaction.atomic(savepoint=False):
        last_sequence, last_hash = _lock_chain_head(event.chain)
        event.sequence, event.previous_hash = last_sequence + 1, last_hash
        event.occurred_at = timezone.now()
        event.hash = event_hash(event)
        insert_row(event)
        if listed:
            _insert_listed_patients(event.pk, listed)
    if event.outcome == AuditEvent.Outcome.DENIED:
        count_on_commit(ACCESS_REFUSALS, kind="audited")
    return event


PATIENT_ROLE = "patient"


def _actor_name(actor: Actor) -> str:
    if actor.name:
        return actor.name[:300]
    if actor.patient is not None:
        return "The patient, online"
    return actor.user.get_full_name() if actor.user else "Hub Diary"


def _lock_chain_head(chain: int) -> tuple[int, str]:
    """Take the chain's lock, held to commit, then read its last link: on PostgreSQL in one
    call (governance migration 0007); SQLite serialises writers by itself."""
    with prepared_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT * FROM governance_audit_chain_head(%s::integer, %s::bigint)",
                [_CHAIN_LOCKS, chain],
            )
        else:
            cursor.execute(_LAST_LINK, [chain])
        last_sequence, last_hash = cursor.fetchone() or (None, None)
    return (last_sequence or 0, last_hash or GENESIS_HASH)


def _insert_listed_patients(event_id: int, patient_ids: list[int]) -> None:
    with prepared_cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_INSERT_LISTED_PATIENTS, [event_id, patient_ids])
        else:
            cursor.executemany(_INSERT_LISTED_PATIENT, [[event_id, p] for p in patient_ids])


# One statement, one round trip, however long the page.
_INSERT_LISTED_PATIENTS = (
    "INSERT INTO governance_auditeventpatient (event_id, patient_id) "
    "SELECT %s::bigint, unnest(%s::bigint[])"
)
_INSERT_LISTED_PATIENT = (
    "INSERT INTO governance_auditeventpatient (event_id, patient_id) VALUES (%s, %s)"
)

_LAST_LINK = (
    "SELECT sequence, hash FROM governance_auditevent WHERE chain = %s "
    "ORDER BY sequence DESC LIMIT 1"
)


@dataclass(frozen=True)
class BrokenLink:
    """Where a chain stops holding, and what is wrong there, in words for an IG lead."""

    sequence: int
    problem: str


def with_listed_patients(
    events: Iterable[AuditEvent], *, chunk_size: int = 2000
) -> Iterator[tuple[AuditEvent, list[int]]]:
    """Each event with the ids of the patients it lists: one query per chunk of
    events, so that a walk of millions of events holds one chunk at a time."""
    events = iter(events)
    while chunk := list(itertools.islice(events, chunk_size)):
        listed: dict[int, list[int]] = defaultdict(list)
        rows = AuditEventPatient.objects.filter(event__in=[e.pk for e in chunk])
        for event_id, patient_id in rows.values_list("event", "patient"):
            listed[event_id].append(patient_id)
        for event in chunk:
            yield event, listed.get(event.pk, [])


def verify_chain(links: Iterable[tuple[AuditEvent, Sequence[int]]]) -> Iterator[BrokenLink]:
    """Walk one chain's events (each with its listed patients' ids, `with_listed_patients`)
    in sequence order and yield every link that does not hold."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    for event, listed in links:
        if event.sequence > expected_sequence:
            yield BrokenLink(expected_sequence, _missing(expected_sequence, event.sequence - 1))
        if event.previous_hash != previous_hash:
            yield BrokenLink(event.sequence, _OUT_OF_ORDER)
        elif not _lists_as_written(event, listed):
            yield BrokenLink(
                event.sequence, "the patients it lists were changed after it was written"
            )
        elif event_hash(event) != event.hash:
            yield BrokenLink(event.sequence, "its contents were changed after it was written")
        expected_sequence = event.sequence + 1
        previous_hash = event.hash


def _lists_as_written(event: AuditEvent, listed: Sequence[int]) -> bool:
    # The chain from before partitioning listed no patients, and its hashes do not cover
    # the digest: there, any is a change.
    if event.chain == AuditEvent.CHAIN_BEFORE_PARTITIONING and event.patients_hash:
        return False
    return listed_patients_hash(listed) == event.patients_hash


_OUT_OF_ORDER = (
    "it does not follow the event before it: events were re-ordered, or the one before it "
    "was replaced"
)


def _missing(first: int, last: int) -> str:
    return f"event {first} is missing" if first == last else f"events {first} to {last} are missing"
