"""Audit events written before the trail had one chain per organisation still verify."""

import datetime
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from governance.audit import record_event
from governance.models import AuditEvent, AuditEventPatient
from tests.governance.helpers import actor_for

ONE_CHAIN = [("governance", "0006_audit_chain_head")]


def _hash_as_written_before(values: dict) -> str:
    """An event's hash as the trail computed it when it was one chain (migration 0006)."""
    values = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _append_as_before(apps, user, organisation, previous_hash: str, sequence: int) -> str:
    """One event appended as the one-chain code did: its lock, then the row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM governance_audit_chain_head(72110451)")
    values = {
        "sequence": sequence,
        "occurred_at": datetime.datetime(2026, 11, 20, 9, sequence, tzinfo=datetime.UTC),
        "actor_id": user.pk,
        "actor_username": user.username,
        "actor_name": user.get_full_name(),
        "actor_role": "practice-manager",
        "actor_organisation_ods": organisation.ods_code,
        "actor_organisation_name": organisation.name,
        "action": "patient.view",
        "patient_id": None,
        "object_type": "",
        "object_id": "",
        "purpose": "",
        "basis": "",
        "outcome": "allowed",
        "reason": "",
        "request_id": "before",
        "client_address": None,
        "previous_hash": previous_hash,
    }
    event_hash = _hash_as_written_before(values)
    apps.get_model("governance", "AuditEvent").objects.create(**values, hash=event_hash)
    return event_hash


def _migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)
    # Statements prepared on this connection knew the tables as they were.
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_events_written_as_one_chain_keep_it_and_still_verify(practice_a, practice_manager_a):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("governance")
    _migrate(ONE_CHAIN)
    try:
        old_apps = MigrationExecutor(connection).loader.project_state(ONE_CHAIN).apps
        previous_hash = "0" * 64
        for sequence in (1, 2, 3):
            previous_hash = _append_as_before(
                old_apps, practice_manager_a, practice_a, previous_hash, sequence
            )
    finally:
        _migrate(latest)

    after = record_event(actor=actor_for(practice_manager_a), action="patient.view")
    output = io.StringIO()
    call_command("verify_audit", stdout=output, verbosity=2)

    before = AuditEvent.objects.filter(chain=AuditEvent.CHAIN_BEFORE_PARTITIONING)
    assert [e.sequence for e in before] == [1, 2, 3]
    assert (after.chain, after.sequence) == (practice_a.pk, 1)
    lines = output.getvalue().splitlines()
    assert "All organisations, before chains were split: 3 events, intact." in lines
    assert "Riverside Medical Centre (A10001): 1 event, intact." in lines


@pytest.mark.django_db(transaction=True)
def test_a_patient_added_to_an_event_from_before_the_split_is_caught(
    practice_a, practice_manager_a, patient_a
):
    """Those events listed no patients, and their hashes do not cover the list."""
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("governance")
    _migrate(ONE_CHAIN)
    try:
        old_apps = MigrationExecutor(connection).loader.project_state(ONE_CHAIN).apps
        _append_as_before(old_apps, practice_manager_a, practice_a, "0" * 64, 1)
    finally:
        _migrate(latest)
    event = AuditEvent.objects.get()
    AuditEventPatient.objects.create(event=event, patient=patient_a)
    output = io.StringIO()

    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=output)

    assert (
        "All organisations, before chains were split: broken at event 1: the patients it "
        "lists were changed after it was written." in output.getvalue()
    )
