"""The audit trail is append-only and tamper-evident, with one chain per organisation."""

import io
import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connections, transaction

from governance.audit import Actor, event_hash, record_event, verify_chain, with_listed_patients
from governance.models import AuditEvent, AuditEventPatient
from tests.factories import PatientFactory
from tests.governance.helpers import actor_for, as_superuser_bypassing_triggers


@pytest.fixture
def trail(practice_manager_a, patient_a):
    actor = actor_for(practice_manager_a)
    return [record_event(actor=actor, action="patient.view", patient=patient_a) for _ in range(5)]


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _chain_of(organisation) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain=organisation.pk).order_by("sequence"))


def _broken(events) -> list:
    """Every broken link in one chain's events, with the patients each lists."""
    return list(verify_chain(with_listed_patients(events)))


def test_an_untouched_trail_verifies(trail):
    assert "Audit trail intact: 5 events in 1 chain" in _verify()


def test_events_are_numbered_and_chained(trail):
    assert [e.sequence for e in trail] == [1, 2, 3, 4, 5]
    assert all(b.previous_hash == a.hash for a, b in itertools.pairwise(trail))


def test_each_organisation_keeps_its_own_chain(
    practice_a, practice_b, practice_manager_a, practice_manager_b
):
    a, b = actor_for(practice_manager_a), actor_for(practice_manager_b)
    for actor in (a, b, a, Actor.system(), a, b):
        record_event(actor=actor, action="patient.view")

    assert [e.sequence for e in _chain_of(practice_a)] == [1, 2, 3]
    assert [e.sequence for e in _chain_of(practice_b)] == [1, 2]
    system = AuditEvent.objects.filter(chain=AuditEvent.CHAIN_WITHOUT_ORGANISATION)
    assert [(e.sequence, e.actor_username) for e in system] == [(1, "system")]
    assert _chain_of(practice_b)[1].previous_hash == _chain_of(practice_b)[0].hash
    assert "Audit trail intact: 6 events in 3 chains" in _verify()


def test_an_actor_without_an_organisation_writes_to_the_chain_without_one(practice_manager_a):
    event = record_event(actor=Actor(user=practice_manager_a), action="break-glass.step-up")
    assert (event.chain, event.sequence) == (AuditEvent.CHAIN_WITHOUT_ORGANISATION, 1)


def test_the_database_refuses_to_update_an_audit_event(trail):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(sequence=3).update(action="patient.nothing-to-see")


def test_the_database_refuses_to_delete_an_audit_event(trail):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(sequence=3).delete()


@pytest.mark.parametrize("sequence", [1, 3, 5])
def test_a_changed_row_is_named_by_verify_audit(trail, sequence):
    as_superuser_bypassing_triggers(
        "UPDATE governance_auditevent SET actor_username = %s WHERE sequence = %s",
        ["someone-else", sequence],
    )
    output = io.StringIO()

    with pytest.raises(CommandError, match="broken in 1 of 1 chain"):
        call_command("verify_audit", stdout=output)

    assert (
        f"Riverside Medical Centre (A10001): broken at event {sequence}: its contents were "
        "changed after it was written." in output.getvalue()
    )


def test_a_deleted_row_is_named_by_verify_audit(trail):
    as_superuser_bypassing_triggers("DELETE FROM governance_auditevent WHERE sequence = %s", [3])
    broken = list(_broken(AuditEvent.objects.order_by("sequence")))
    assert broken[0].sequence == 3
    assert broken[0].problem == "event 3 is missing"


def test_reordered_rows_are_named_by_verify_audit(trail):
    """Events 2 and 3 swap places (their numbers swapped, through a spare number)."""
    swap = "UPDATE governance_auditevent SET sequence = %s WHERE sequence = %s"
    as_superuser_bypassing_triggers(swap, [-2, 2])
    as_superuser_bypassing_triggers(swap, [2, 3])
    as_superuser_bypassing_triggers(swap, [3, -2])

    broken = list(_broken(AuditEvent.objects.order_by("sequence")))

    assert broken[0].sequence == 2
    assert broken[0].problem.startswith("it does not follow the event before it")


def test_a_rewritten_row_with_a_fresh_hash_still_breaks_the_next_link(trail):
    forged = AuditEvent.objects.get(sequence=2)
    forged.action = "patient.forged"
    as_superuser_bypassing_triggers(
        "UPDATE governance_auditevent SET action = %s, hash = %s WHERE sequence = %s",
        ["patient.forged", event_hash(forged), 2],
    )
    broken = list(_broken(AuditEvent.objects.order_by("sequence")))
    assert broken[0].sequence == 3


def test_an_event_moved_to_another_organisations_chain_is_caught(
    practice_a, practice_b, practice_manager_a
):
    """The hash covers the chain: an event moved, unchanged otherwise, no longer matches."""
    record_event(actor=actor_for(practice_manager_a), action="patient.view")
    as_superuser_bypassing_triggers(
        "UPDATE governance_auditevent SET chain = %s WHERE chain = %s",
        [practice_b.pk, practice_a.pk],
    )
    (moved,) = _chain_of(practice_b)

    assert [link.problem for link in _broken([moved])] == [
        "its contents were changed after it was written"
    ]


def test_a_break_in_one_chain_leaves_the_others_intact(
    practice_a, practice_b, practice_manager_a, practice_manager_b
):
    for _ in range(3):
        record_event(actor=actor_for(practice_manager_a), action="patient.view")
        record_event(actor=actor_for(practice_manager_b), action="patient.view")
    as_superuser_bypassing_triggers(
        "UPDATE governance_auditevent SET reason = %s WHERE chain = %s AND sequence = 2",
        ["results=0", practice_b.pk],
    )
    output = io.StringIO()

    with pytest.raises(CommandError, match="broken in 1 of 2 chains") as raised:
        call_command("verify_audit", stdout=output, verbosity=2)

    lines = output.getvalue().splitlines()
    assert "Riverside Medical Centre (A10001): 3 events, intact." in lines
    assert (
        "Kirkgate Surgery (B20002): broken at event 2: its contents were changed after it "
        "was written." in lines
    )
    assert raised.value.returncode == 1


# Events that list patients ------------------------------------------------------------


@pytest.fixture
def page(practice_a):
    return [PatientFactory(registered_practice=practice_a) for _ in range(4)]


@pytest.fixture
def list_trail(practice_manager_a, page):
    """Three list pages: the middle one shows every patient of `page`."""
    actor = actor_for(practice_manager_a)
    return [
        record_event(actor=actor, action="patient.list", patients=page[:1]),
        record_event(actor=actor, action="patient.list", patients=page),
        record_event(actor=actor, action="patient.list", patients=page[2:]),
    ]


def _listed(event: AuditEvent) -> list[int]:
    rows = AuditEventPatient.objects.filter(event=event).values_list("patient", flat=True)
    return sorted(rows)


def test_a_list_event_keeps_each_patient_on_its_page_once(practice_manager_a, page):
    event = record_event(
        actor=actor_for(practice_manager_a), action="patient.list", patients=[*page, page[0]]
    )

    assert _listed(event) == sorted(p.pk for p in page)
    assert event.patients_hash and event.patient is None
    # "Who viewed my record" finds the page by the patient.
    assert list(
        AuditEventPatient.objects.filter(patient=page[3]).values_list("event", flat=True)
    ) == [event.pk]


def test_a_list_event_costs_the_same_statements_however_long_the_page(
    practice_manager_a, page, django_assert_num_queries
):
    """The chain's lock with its last link, the event, its patients: one statement each."""
    actor = actor_for(practice_manager_a)
    many = page + [PatientFactory() for _ in range(40)]
    with django_assert_num_queries(3):
        record_event(actor=actor, action="patient.list", patients=page[:1])
    with django_assert_num_queries(3):
        record_event(actor=actor, action="patient.list", patients=many)


def test_an_event_listing_nobody_writes_no_listed_patients(trail):
    assert not AuditEventPatient.objects.exists()
    assert {e.patients_hash for e in trail} == {""}


def test_the_database_refuses_to_change_or_remove_a_listed_patient(list_trail, page):
    listed = AuditEventPatient.objects.filter(event=list_trail[1])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        listed.filter(patient=page[0]).update(patient=page[1])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        listed.delete()


def test_an_untouched_list_trail_verifies(list_trail):
    assert "Audit trail intact: 3 events in 1 chain" in _verify()


def test_a_patient_removed_from_a_list_is_named_by_verify_audit(list_trail, page):
    as_superuser_bypassing_triggers(
        "DELETE FROM governance_auditeventpatient WHERE event_id = %s AND patient_id = %s",
        [list_trail[1].pk, page[2].pk],
    )
    output = io.StringIO()

    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=output)

    assert (
        "Riverside Medical Centre (A10001): broken at event 2: the patients it lists were "
        "changed after it was written." in output.getvalue()
    )


def test_a_patient_swapped_in_a_list_is_caught(list_trail, page, patient_b):
    as_superuser_bypassing_triggers(
        "UPDATE governance_auditeventpatient SET patient_id = %s WHERE event_id = %s",
        [patient_b.pk, list_trail[0].pk],
    )
    assert [(b.sequence, b.problem) for b in _broken(_chain_of(page[0].registered_practice))] == [
        (1, "the patients it lists were changed after it was written")
    ]


@pytest.mark.parametrize("event_at", [0, 1])
def test_a_patient_added_to_a_list_or_to_an_event_listing_nobody_is_caught(
    trail, list_trail, patient_b, event_at
):
    """Adding a row needs no superuser: the trigger refuses changes, not inserts."""
    event = [trail[0], list_trail[0]][event_at]
    AuditEventPatient.objects.create(event=event, patient=patient_b)

    (broken,) = _broken(AuditEvent.objects.filter(chain=event.chain).order_by("sequence"))

    assert (broken.sequence, broken.problem) == (
        event.sequence,
        "the patients it lists were changed after it was written",
    )


def test_a_list_whose_digest_and_rows_were_both_rewritten_breaks_the_event(list_trail, page):
    from governance.audit import listed_patients_hash

    as_superuser_bypassing_triggers(
        "DELETE FROM governance_auditeventpatient WHERE event_id = %s AND patient_id = %s",
        [list_trail[1].pk, page[0].pk],
    )
    as_superuser_bypassing_triggers(
        "UPDATE governance_auditevent SET patients_hash = %s WHERE id = %s",
        [listed_patients_hash([p.pk for p in page[1:]]), list_trail[1].pk],
    )

    (broken,) = _broken(_chain_of(page[0].registered_practice))

    assert (broken.sequence, broken.problem) == (
        2,
        "its contents were changed after it was written",
    )


def test_events_snapshot_who_the_actor_was(trail, practice_manager_a):
    practice_manager_a.last_name = "Renamed"
    practice_manager_a.save()
    event = AuditEvent.objects.get(sequence=1)
    assert event.actor_name.endswith(trail[0].actor_name.split()[-1])
    assert "Renamed" not in event.actor_name


def _in_own_connection(work):
    """Run `work` in a transaction of its own, on this thread's own connection."""
    try:
        with transaction.atomic():
            return work()
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_events_appended_at_once_from_many_connections_form_one_chain_each(
    practice_a, practice_b, practice_manager_a, practice_manager_b
):
    """Appends to a chain serialise on its lock, and each reads the last link only once it
    holds the lock: sixteen writers at once, in two organisations, leave two unbroken
    chains, each number used once in each."""
    actors = [actor_for(practice_manager_a), actor_for(practice_manager_b)]

    def append(n: int) -> int:
        actor = actors[n % 2]
        for _ in range(10):
            _in_own_connection(lambda: record_event(actor=actor, action="patient.view"))
        return 10

    with ThreadPoolExecutor(max_workers=16) as pool:
        written = sum(pool.map(append, range(16)))

    assert written == AuditEvent.objects.count() == 160
    for practice in (practice_a, practice_b):
        events = _chain_of(practice)
        assert [e.sequence for e in events] == list(range(1, 81))
        assert _broken(events) == []


@pytest.mark.django_db(transaction=True)
def test_one_organisations_held_chain_does_not_hold_up_another(
    practice_a, practice_b, practice_manager_a, practice_manager_b
):
    """While a transaction holds practice A's chain (an audited action not yet committed),
    practice B's audited writes go ahead at once; A's next one waits for that commit."""
    a, b = actor_for(practice_manager_a), actor_for(practice_manager_b)
    a_holds_its_chain, a_may_commit = threading.Event(), threading.Event()

    def hold_a_chain() -> int:
        event = record_event(actor=a, action="patient.view")
        a_holds_its_chain.set()
        a_may_commit.wait(timeout=30)
        return event.sequence

    def append(actor: Actor) -> tuple[int, float]:
        event = record_event(actor=actor, action="patient.view")
        return event.sequence, time.monotonic()

    with ThreadPoolExecutor(max_workers=3) as pool:
        holder = pool.submit(_in_own_connection, hold_a_chain)
        assert a_holds_its_chain.wait(timeout=10)
        try:
            started = time.monotonic()
            b_sequence, b_done = pool.submit(_in_own_connection, lambda: append(b)).result(
                timeout=5
            )
            second_a = pool.submit(_in_own_connection, lambda: append(a))
            with pytest.raises(FutureTimeout):
                second_a.result(timeout=1)
        finally:
            released = time.monotonic()
            a_may_commit.set()
        a_sequence, a_done = second_a.result(timeout=10)

    assert b_sequence == 1 and b_done - started < 2
    assert holder.result() == 1
    assert a_sequence == 2 and a_done >= released
