"""Booking's floor: the bare transaction a booking cannot do without, in plain SQL on a
plain psycopg connection. The slot marked booked and the booking inserted (one
statement), the acting organisation's audit chain locked and its last link read (the app's
own database function), the event inserted, commit: no lookups, no rules, no access
decision, no ORM. The events are real links (hashed as the app hashes them), so the trail
still verifies."""

import os

from bench.clients import until_deadline
from bench.data import actor_for

# Advisory locks of a class of the floor's own, one per chain as the app's: the floor and
# the app never run at once, so the waits are the same.
FLOOR_CHAIN_LOCKS = 72_000_001

BOOK = """
WITH slot AS (
    UPDATE booking_slot SET status = 'booked', updated_at = now()
    WHERE public_id = %(slot)s AND status = 'free'
    RETURNING id, clinician_id, start, "end"
)
INSERT INTO booking_booking (
    public_id, slot_id, patient_id, booking_organisation_id, booked_by_id, channel, status,
    description, comment, cancellation_reason, version, write_back, rule_override_reason,
    clinician_id, start, "end", created_at, updated_at
)
SELECT gen_random_uuid(), id, %(patient)s, %(hub)s, %(user)s, 'hub', 'booked', 'Bench floor',
    '', '', 1, 'not-linked', '', clinician_id, start, "end", now(), now()
FROM slot
RETURNING public_id
"""

CHAIN_HEAD = "SELECT * FROM governance_audit_chain_head(%s::integer, %s::bigint)"

EVENT_COLUMNS = (
    "chain", "sequence", "occurred_at", "actor_id", "actor_username", "actor_name",
    "actor_role", "actor_organisation_ods", "actor_organisation_name", "action", "patient_id",
    "object_type", "object_id", "purpose", "basis", "outcome", "reason", "request_id",
    "client_address", "previous_hash", "hash", "patients_hash",
)  # fmt: skip
INSERT_EVENT = (
    f"INSERT INTO governance_auditevent ({', '.join(EVENT_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(EVENT_COLUMNS))})"
)


def floor_client(job: dict) -> dict:
    """One client: the bare booking transaction on the job's slots until its deadline."""
    import psycopg
    from django.utils import timezone

    from governance.access import Basis, Purpose
    from governance.actions import Action
    from governance.audit import GENESIS_HASH, event_hash
    from governance.models import AuditEvent

    actor = actor_for(job["user_id"], job["hub_id"])
    user, hub = actor.user, actor.membership.organisation
    who = {
        "chain": hub.pk,
        "actor_id": user.pk,
        "actor_username": user.get_username(),
        "actor_name": user.get_full_name(),
        "actor_role": actor.membership.role,
        "actor_organisation_ods": hub.ods_code,
        "actor_organisation_name": hub.name,
        "action": Action.BOOKING_CREATE.value,
        "object_type": "Booking",
        "purpose": Purpose.BOOK.value,
        "basis": Basis.SHARING_AGREEMENT.value,
        "outcome": AuditEvent.Outcome.ALLOWED.value,
        "reason": "",
        "request_id": job["tag"],
        "client_address": None,
        "patients_hash": "",
    }

    def book(bookable) -> str:
        with conn.transaction():
            booked = conn.execute(
                BOOK,
                {"slot": bookable.slot_id, "patient": bookable.patient_id, "hub": hub.pk,
                 "user": user.pk},
            ).fetchone()  # fmt: skip
            if booked is None:
                return "refused: not free"
            last_sequence, last_hash = conn.execute(
                CHAIN_HEAD, [FLOOR_CHAIN_LOCKS, hub.pk]
            ).fetchone()
            event = AuditEvent(
                **who,
                sequence=(last_sequence or 0) + 1,
                previous_hash=last_hash or GENESIS_HASH,
                occurred_at=timezone.now(),
                patient_id=bookable.patient_id,
                object_id=str(booked[0]),
            )
            event.hash = event_hash(event)
            conn.execute(INSERT_EVENT, [getattr(event, column) for column in EVENT_COLUMNS])
        return "booked"

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True, prepare_threshold=0) as conn:
        return until_deadline(job, book)
