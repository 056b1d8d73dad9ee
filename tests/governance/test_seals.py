"""Seals: every chain's committed head, chained seal to seal, without holding up audited work."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import DatabaseError, connections, transaction

from config.celery import app
from governance.audit import GENESIS_HASH, Actor, record_event
from governance.models import AuditEvent, AuditSeal
from governance.seals import committed_chain_heads, seal_audit_trail, seal_hash
from governance.tasks import seal_audit_trail as seal_audit_trail_task
from tests.governance.helpers import actor_for


def _head(chain: int) -> list:
    last = AuditEvent.objects.filter(chain=chain).order_by("-sequence").first()
    return [chain, last.sequence, last.hash]


def test_a_seal_holds_every_chains_last_event(practice_a, practice_b, practice_manager_a):
    a = actor_for(practice_manager_a)
    for actor in (a, Actor.system(), a, a):
        record_event(actor=actor, action="patient.view")
    record_event(actor=Actor(user=None, membership=None), action="break-glass.step-up")

    seal = seal_audit_trail()

    assert seal.heads == [_head(AuditEvent.CHAIN_WITHOUT_ORGANISATION), _head(practice_a.pk)]
    assert seal.heads[1][1] == 3
    assert (seal.sequence, seal.previous_hash) == (1, GENESIS_HASH)
    assert seal.hash == seal_hash(AuditSeal.objects.get())


def test_each_seal_follows_the_one_before(practice_manager_a, practice_manager_b):
    record_event(actor=actor_for(practice_manager_a), action="patient.view")
    first = seal_audit_trail()
    record_event(actor=actor_for(practice_manager_b), action="patient.view")

    second = seal_audit_trail()

    assert (second.sequence, second.previous_hash) == (2, first.hash)
    assert len(second.heads) == 2
    assert [head[0] for head in second.heads] == sorted(head[0] for head in second.heads)


def test_a_trail_with_no_events_is_sealed_empty(db):
    assert seal_audit_trail().heads == []


def test_chain_heads_are_read_by_a_skip_along_the_index_not_a_walk_of_every_event(
    practice_a, practice_b, practice_manager_a, practice_manager_b, django_assert_num_queries
):
    a, b = actor_for(practice_manager_a), actor_for(practice_manager_b)
    for _ in range(5):
        record_event(actor=a, action="patient.view")
    record_event(actor=b, action="patient.view")

    with django_assert_num_queries(1):
        heads = committed_chain_heads()

    assert heads == [tuple(_head(practice_a.pk)), tuple(_head(practice_b.pk))]


def test_the_database_refuses_to_change_or_remove_a_seal(practice_manager_a):
    record_event(actor=actor_for(practice_manager_a), action="patient.view")
    seal_audit_trail()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditSeal.objects.update(heads=[])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditSeal.objects.all().delete()


def test_the_seal_task_seals_and_beat_runs_it(practice_manager_a):
    record_event(actor=actor_for(practice_manager_a), action="patient.view")

    assert seal_audit_trail_task() == 1
    assert seal_audit_trail_task() == 2

    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "governance.seal_audit_trail" in scheduled


@pytest.mark.django_db(transaction=True)
def test_sealing_neither_waits_for_nor_holds_up_a_chain_in_use(
    practice_a, practice_b, practice_manager_a, practice_manager_b
):
    """While practice A's chain is held by an audited action not yet committed, a seal is
    written at once, with A's last committed event; and while a seal is being written,
    audited work goes on."""
    a, b = actor_for(practice_manager_a), actor_for(practice_manager_b)
    committed = record_event(actor=a, action="patient.view")
    a_holds_its_chain, a_may_commit = threading.Event(), threading.Event()

    def hold_a_chain() -> None:
        try:
            with transaction.atomic():
                record_event(actor=a, action="patient.view")
                a_holds_its_chain.set()
                a_may_commit.wait(timeout=30)
        finally:
            connections.close_all()

    def seal_while_sealing_is_held() -> tuple[AuditSeal, float]:
        try:
            with transaction.atomic():
                seal = seal_audit_trail()
                started = time.monotonic()
                with ThreadPoolExecutor(max_workers=1) as other:
                    other.submit(_append_in_own_connection, b).result(timeout=5)
                return seal, time.monotonic() - started
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        holder = pool.submit(hold_a_chain)
        assert a_holds_its_chain.wait(timeout=10)
        try:
            seal, b_took = pool.submit(seal_while_sealing_is_held).result(timeout=5)
        finally:
            a_may_commit.set()
        holder.result(timeout=10)

    assert seal.heads == [[practice_a.pk, 1, committed.hash]]
    assert b_took < 2
    assert AuditEvent.objects.filter(chain=practice_a.pk).count() == 2


def _append_in_own_connection(actor: Actor) -> None:
    try:
        with transaction.atomic():
            record_event(actor=actor, action="patient.view")
    finally:
        connections.close_all()
