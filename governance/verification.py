"""Checking the whole audit trail (`manage.py verify_audit`): every chain walked in order,
then every seal against the seal before it and the events it names. Both are streamed in
chunks, so that millions of events never sit in memory at once."""

import datetime
import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from governance.audit import GENESIS_HASH, BrokenLink, verify_chain, with_listed_patients
from governance.models import AuditEvent, AuditSeal, AuditVerification
from governance.seals import Head, seal_hash
from practices.models import Organisation

CHUNK_SIZE = 5000
# A seal holds a head for every chain: thousands of them nationally.
SEAL_CHUNK_SIZE = 20


@dataclass(frozen=True)
class ChainCheck:
    """One chain, walked: how many events it holds and the first link that does not hold."""

    chain: int
    events: int
    broken: BrokenLink | None


@dataclass(frozen=True)
class TrailCheck:
    """The whole trail, walked: its chains and events, the chains broken, and the seals."""

    chains: int
    events: int
    broken_chains: int
    seals: "SealCheck"


def verify_audit_trail(
    *, each_chain: Callable[[str, ChainCheck], None] | None = None
) -> TrailCheck:
    """Walk every chain and the seals as one moment's trail, calling `each_chain` with each
    chain's name and findings as it goes, and record the result (AuditVerification) for
    monitoring. Returns what was found."""
    # One read-only transaction: one moment's trail, and on PostgreSQL the walk streams
    # through a cursor rather than being kept whole on the server.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        names = chain_names()
        chains = events = broken = 0
        for check in check_chains():
            chains += 1
            events += check.events
            broken += check.broken is not None
            if each_chain is not None:
                each_chain(chain_name(check.chain, names), check)
        seals = check_seals(names=names)
    AuditVerification.objects.create(
        finished_at=timezone.now(),
        chains=chains,
        events=events,
        broken_chains=broken,
        seals_broken=seals.broken is not None,
    )
    return TrailCheck(chains=chains, events=events, broken_chains=broken, seals=seals)


def check_chains(*, chunk_size: int = CHUNK_SIZE) -> Iterator[ChainCheck]:
    """Every chain in turn, each walked from its first event to its last. On PostgreSQL,
    call it inside a transaction, so the cursor streams rather than being kept whole."""
    events = AuditEvent.objects.order_by("chain", "sequence").iterator(chunk_size=chunk_size)
    links = with_listed_patients(events, chunk_size=chunk_size)
    for chain, chain_links in itertools.groupby(links, key=lambda link: link[0].chain):
        counted = _Counted(chain_links)
        broken = next(verify_chain(counted), None)
        for _ in counted:  # the rest of the chain, counted
            pass
        yield ChainCheck(chain=chain, events=counted.count, broken=broken)


class _Counted:
    def __init__(self, items: Iterable) -> None:
        self._items, self.count = iter(items), 0

    def __iter__(self) -> "_Counted":
        return self

    def __next__(self):
        item = next(self._items)
        self.count += 1
        return item


def chain_names() -> dict[int, str]:
    """How each chain reads to an IG lead: its organisation's name and ODS code."""
    names = {
        pk: f"{name} ({ods_code})"
        for pk, name, ods_code in Organisation.objects.values_list("pk", "name", "ods_code")
    }
    names[AuditEvent.CHAIN_WITHOUT_ORGANISATION] = "No organisation (system jobs, sign-ins)"
    names[AuditEvent.CHAIN_BEFORE_PARTITIONING] = "All organisations, before chains were split"
    return names


def chain_name(chain: int, names: dict[int, str]) -> str:
    return names.get(chain, f"Organisation no longer held (chain {chain})")


@dataclass(frozen=True)
class SealCheck:
    """The seals, walked: how many, the first that does not hold, and what the last one
    vouches for."""

    seals: int
    broken: BrokenLink | None
    last_sealed_at: datetime.datetime | None = None
    sealed_events: int = 0


def check_seals(*, names: dict[int, str], chunk_size: int = SEAL_CHUNK_SIZE) -> SealCheck:
    """Walk the seals in order: each must follow the one before, be as it was written, keep
    every chain the one before held, at the same event or later, and name events that are
    still there with the hashes it sealed. Heads that have not moved since the seal before
    are not looked up again."""
    expected, previous_hash = 1, GENESIS_HASH
    held: dict[int, tuple[int, str]] = {}
    last, count = None, 0
    for seal in AuditSeal.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        count += 1
        broken = _first_problem(seal, expected, previous_hash, held, names)
        if broken:
            return SealCheck(seals=AuditSeal.objects.count(), broken=broken)
        expected, previous_hash = seal.sequence + 1, seal.hash
        held = {chain: (sequence, hash_) for chain, sequence, hash_ in seal.heads}
        last = seal
    if last is None:
        return SealCheck(seals=0, broken=None)
    return SealCheck(
        seals=count,
        broken=None,
        last_sealed_at=last.sealed_at,
        # Every chain is numbered from 1, so its head's number is how many events it holds.
        sealed_events=sum(sequence for sequence, _ in held.values()),
    )


def _first_problem(
    seal: AuditSeal,
    expected: int,
    previous_hash: str,
    held: dict[int, tuple[int, str]],
    names: dict[int, str],
) -> BrokenLink | None:
    if seal.sequence > expected:
        missing = (
            f"seal {expected} is missing"
            if seal.sequence == expected + 1
            else f"seals {expected} to {seal.sequence - 1} are missing"
        )
        return BrokenLink(expected, missing)
    if seal.previous_hash != previous_hash:
        return BrokenLink(seal.sequence, "it does not follow the seal before it")
    if seal_hash(seal) != seal.hash:
        return BrokenLink(seal.sequence, "its contents were changed after it was written")
    heads = {chain: (sequence, hash_) for chain, sequence, hash_ in seal.heads}
    for chain, (sequence, _) in held.items():
        name = chain_name(chain, names)
        if chain not in heads:
            return BrokenLink(seal.sequence, f"it leaves out {name}, which the seal before held")
        if heads[chain][0] < sequence:
            return BrokenLink(
                seal.sequence,
                f"it ends {name} at event {heads[chain][0]}, before event {sequence} where "
                "the seal before ended it",
            )
    moved = [(chain, *head) for chain, head in heads.items() if held.get(chain) != head]
    stored = _stored_hashes(moved)
    for chain, sequence, hash_ in moved:
        name = chain_name(chain, names)
        if (chain, sequence) not in stored:
            return BrokenLink(
                seal.sequence, f"it names event {sequence} of {name}, which is missing"
            )
        if stored[chain, sequence] != hash_:
            return BrokenLink(
                seal.sequence,
                f"event {sequence} of {name} is no longer the event it sealed",
            )
    return None


def _stored_hashes(heads: list[Head]) -> dict[tuple[int, int], str]:
    """The hash stored with each (chain, sequence) named, for those still there."""
    if not heads:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _STORED_HASHES, [[chain for chain, _, _ in heads], [s for _, s, _ in heads]]
            )
            return {(chain, sequence): hash_ for chain, sequence, hash_ in cursor.fetchall()}
    stored = {}
    for start in range(0, len(heads), 200):  # SQLite: a statement of bounded size
        named = Q()
        for chain, sequence, _ in heads[start : start + 200]:
            named |= Q(chain=chain, sequence=sequence)
        rows = AuditEvent.objects.filter(named).values_list("chain", "sequence", "hash")
        stored.update({(chain, sequence): hash_ for chain, sequence, hash_ in rows})
    return stored


_STORED_HASHES = """
SELECT e.chain, e.sequence, e.hash
FROM unnest(%s::bigint[], %s::bigint[]) AS sealed (chain, sequence)
JOIN governance_auditevent e ON e.chain = sealed.chain AND e.sequence = sealed.sequence
"""
