"""The audit trail is append-only and tamper-evident."""

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from governance.audit import Actor, record_event, verify_chain
from governance.models import AuditEvent


@pytest.fixture
def trail(practice_manager_a, patient_a):
    actor = Actor(user=practice_manager_a, request_id="test")
    return [record_event(actor=actor, action="patient.view", patient=patient_a) for _ in range(5)]


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_an_untouched_trail_verifies(trail):
    assert "Audit trail intact: 5 events checked" in _verify()


def test_events_are_numbered_and_chained(trail):
    assert [e.sequence for e in trail] == [1, 2, 3, 4, 5]
    assert all(b.previous_hash == a.hash for a, b in itertools.pairwise(trail))


def test_the_database_refuses_to_update_an_audit_event(trail):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(sequence=3).update(action="patient.nothing-to-see")


def test_the_database_refuses_to_delete_an_audit_event(trail):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(sequence=3).delete()


def _as_superuser_bypassing_triggers(sql: str, params: list) -> None:
    """What an attacker with the database superuser could do: switch triggers off."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.mark.parametrize("sequence", [1, 3, 5])
def test_a_changed_row_is_named_by_verify_audit(trail, sequence):
    _as_superuser_bypassing_triggers(
        "UPDATE governance_auditevent SET actor_username = %s WHERE sequence = %s",
        ["someone-else", sequence],
    )
    with pytest.raises(CommandError, match=f"broken at event #{sequence}: its contents"):
        _verify()


def test_a_deleted_row_is_named_by_verify_audit(trail):
    _as_superuser_bypassing_triggers("DELETE FROM governance_auditevent WHERE sequence = %s", [3])
    with pytest.raises(CommandError, match="broken at event #3: event #3 is missing"):
        _verify()


def test_a_rewritten_row_with_a_fresh_hash_still_breaks_the_next_link(trail):
    from governance.audit import event_hash

    forged = AuditEvent.objects.get(sequence=2)
    forged.action = "patient.forged"
    _as_superuser_bypassing_triggers(
        "UPDATE governance_auditevent SET action = %s, hash = %s WHERE sequence = %s",
        ["patient.forged", event_hash(forged), 2],
    )
    broken = list(verify_chain(AuditEvent.objects.order_by("sequence")))
    assert broken[0].sequence == 3


def test_events_snapshot_who_the_actor_was(trail, practice_manager_a):
    practice_manager_a.last_name = "Renamed"
    practice_manager_a.save()
    event = AuditEvent.objects.get(sequence=1)
    assert event.actor_name.endswith(trail[0].actor_name.split()[-1])
    assert "Renamed" not in event.actor_name


@pytest.mark.django_db(transaction=True)
def test_events_appended_at_once_from_many_connections_form_one_chain(practice_manager_a):
    """Appends serialise on the chain's lock, and each reads the last link only once it holds
    the lock: sixteen writers at once leave one unbroken chain, each number used once."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    actor = Actor(user=practice_manager_a, request_id="test")

    def append(n: int) -> int:
        try:
            for _ in range(n):
                with transaction.atomic():
                    record_event(actor=actor, action="patient.view")
            return n
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        written = sum(pool.map(append, [10] * 16))

    events = list(AuditEvent.objects.order_by("sequence"))
    assert written == len(events) == 160
    assert [e.sequence for e in events] == list(range(1, 161))
    assert list(verify_chain(events)) == []
