"""Seals over the audit trail's chains (ADR 0005).

A seal holds every chain's head (the sequence and hash of its last committed event) and
the hash of the seal before it, so the seals form a chain of their own over all the
others: changing, removing or re-ordering a sealed event, or cutting off the end of a
chain, no longer matches the seals. Sealing reads committed heads and takes no chain's
lock, so audited work never waits for it.
"""

import hashlib
import json

from django.db import connection, transaction
from django.utils import timezone

from governance.audit import GENESIS_HASH
from governance.models import AuditSeal

# An arbitrary constant naming the advisory lock that lets one seal be written at a time.
_SEAL_LOCK = 72_110_452

Head = tuple[int, int, str]  # chain, sequence, hash


@transaction.atomic
def seal_audit_trail() -> AuditSeal:
    """Seal every chain at its last committed event, after the last seal."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK])
    last = AuditSeal.objects.order_by("-sequence").values_list("sequence", "hash").first()
    last_sequence, last_hash = last or (0, GENESIS_HASH)
    seal = AuditSeal(
        sequence=last_sequence + 1,
        sealed_at=timezone.now(),
        heads=[list(head) for head in committed_chain_heads()],
        previous_hash=last_hash,
    )
    seal.hash = seal_hash(seal)
    seal.save(force_insert=True)
    return seal


def committed_chain_heads() -> list[Head]:
    """Every chain's last committed event, in chain order, read in one statement (so at
    one moment) without taking any chain's lock. A chain's events commit in order (each
    append holds the chain's lock to commit), so what is read is a whole prefix of each."""
    with connection.cursor() as cursor:
        cursor.execute(_CHAIN_HEADS)
        return [(chain, sequence, hash_) for chain, sequence, hash_ in cursor.fetchall()]


# A skip along the (chain, sequence) index: a few index probes per chain, however many
# events each holds, where grouping every event by chain would read them all.
_CHAIN_HEADS = """
WITH RECURSIVE chains (chain) AS (
    SELECT MIN(chain) FROM governance_auditevent
    UNION ALL
    SELECT (SELECT MIN(e.chain) FROM governance_auditevent e WHERE e.chain > chains.chain)
    FROM chains WHERE chains.chain IS NOT NULL
), heads (chain, sequence) AS (
    SELECT chains.chain,
           (SELECT MAX(e.sequence) FROM governance_auditevent e WHERE e.chain = chains.chain)
    FROM chains WHERE chains.chain IS NOT NULL
)
SELECT heads.chain, heads.sequence, e.hash
FROM heads
JOIN governance_auditevent e ON e.chain = heads.chain AND e.sequence = heads.sequence
ORDER BY heads.chain
"""


def seal_hash(seal: AuditSeal) -> str:
    """The seal's number, time, heads and predecessor's hash, as a SHA-256 hex digest."""
    values = {
        "sequence": seal.sequence,
        "sealed_at": seal.sealed_at.isoformat(),
        "heads": [list(head) for head in seal.heads],
        "previous_hash": seal.previous_hash,
    }
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
