"""verify_audit: every chain and every seal checked, streamed, and said plainly."""

import io
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from governance.audit import Actor, event_hash, record_event
from governance.models import AuditEvent, AuditSeal
from governance.seals import seal_audit_trail, seal_hash
from governance.verification import chain_names, check_chains, check_seals
from tests.factories import PatientFactory
from tests.governance.helpers import actor_for, as_superuser_bypassing_triggers

RIVERSIDE = "Riverside Medical Centre (A10001)"


def _verify(verbosity: int = 1) -> tuple[str, CommandError | None]:
    output = io.StringIO()
    try:
        call_command("verify_audit", stdout=output, verbosity=verbosity)
    except CommandError as error:
        return output.getvalue(), error
    return output.getvalue(), None


@pytest.fixture
def sealed_chain(practice_a, practice_manager_a):
    """Three events of practice A's, sealed."""
    actor = actor_for(practice_manager_a)
    events = [record_event(actor=actor, action="patient.view") for _ in range(3)]
    seal_audit_trail()
    return events


def test_an_intact_trail_says_what_was_checked_and_what_the_last_seal_vouches_for(
    sealed_chain, practice_manager_a
):
    record_event(actor=Actor.system(), action="slot.import")
    output, error = _verify()

    assert error is None
    assert re.search(
        r"^Seals: 1 seal checked, intact\. The last, at \d{1,2} \w{3} \d{4} \d\d:\d\d, "
        r"vouches for 3 events; 1 written since\.$",
        output,
        re.MULTILINE,
    )
    assert output.splitlines()[-1] == "Audit trail intact: 4 events in 2 chains, 1 seal checked."


def test_every_chain_is_listed_at_higher_verbosity(sealed_chain):
    record_event(actor=Actor.system(), action="slot.import")
    output, _ = _verify(verbosity=2)

    assert output.splitlines()[:2] == [
        "No organisation (system jobs, sign-ins): 1 event, intact.",
        f"{RIVERSIDE}: 3 events, intact.",
    ]


def test_a_trail_not_yet_sealed_says_so(practice_manager_a):
    record_event(actor=actor_for(practice_manager_a), action="patient.view")
    output, error = _verify()
    assert error is None
    assert "Seals: none yet." in output


def test_the_end_of_a_sealed_chain_cut_off_is_caught_by_the_seal(sealed_chain):
    """Removing the last events leaves a chain whose links all hold: only the seal knows."""
    as_superuser_bypassing_triggers(
        "DELETE FROM governance_auditevent WHERE id = %s", [sealed_chain[-1].pk]
    )
    output, error = _verify()

    assert f"Seals: broken at seal 1: it names event 3 of {RIVERSIDE}, which is missing." in (
        output.splitlines()
    )
    assert str(error) == "Audit trail broken in the seals: see above."
    assert error.returncode == 1


def test_a_chain_rewritten_with_fresh_hashes_is_caught_by_the_seal(sealed_chain):
    """Someone rewrites an event and re-hashes the rest of its chain to match."""
    events = list(AuditEvent.objects.filter(chain=sealed_chain[0].chain).order_by("sequence"))
    events[1].action = "patient.nothing-to-see"
    for before, event in itertools.pairwise(events):
        event.previous_hash = before.hash
        event.hash = event_hash(event)
        as_superuser_bypassing_triggers(
            "UPDATE governance_auditevent SET action = %s, previous_hash = %s, hash = %s "
            "WHERE id = %s",
            [event.action, event.previous_hash, event.hash, event.pk],
        )
    output, error = _verify(verbosity=2)

    lines = output.splitlines()
    assert f"{RIVERSIDE}: 3 events, intact." in lines
    assert f"Seals: broken at seal 1: event 3 of {RIVERSIDE} is no longer the event it sealed." in (
        lines
    )
    assert error is not None


def test_a_changed_seal_is_caught(sealed_chain):
    as_superuser_bypassing_triggers(
        "UPDATE governance_auditseal SET heads = %s", [json.dumps([[1, 1, "0" * 64]])]
    )
    output, error = _verify()
    assert "Seals: broken at seal 1: its contents were changed after it was written." in output
    assert error is not None


def test_a_removed_seal_is_caught(sealed_chain):
    seal_audit_trail()
    seal_audit_trail()
    as_superuser_bypassing_triggers("DELETE FROM governance_auditseal WHERE sequence = 2", [])

    output, error = _verify()

    assert "Seals: broken at seal 2: seal 2 is missing." in output
    assert error is not None


def _forge_seal(heads: list, *, previous_hash: str | None = None) -> None:
    """A seal written straight into the table, with a hash that matches its contents."""
    last = AuditSeal.objects.order_by("-sequence").first()
    seal = AuditSeal(
        sequence=last.sequence + 1,
        sealed_at=timezone.now(),
        heads=heads,
        previous_hash=previous_hash or last.hash,
    )
    seal.hash = seal_hash(seal)
    seal.save(force_insert=True)


def test_a_seal_that_does_not_follow_the_one_before_is_caught(sealed_chain):
    _forge_seal(AuditSeal.objects.get().heads, previous_hash="f" * 64)
    output, _ = _verify()
    assert "Seals: broken at seal 2: it does not follow the seal before it." in output


def test_a_seal_that_moves_the_end_of_a_chain_back_is_caught(sealed_chain):
    chain, _, _ = AuditSeal.objects.get().heads[0]
    _forge_seal([[chain, 2, sealed_chain[1].hash]])

    output, _ = _verify()

    assert (
        f"Seals: broken at seal 2: it ends {RIVERSIDE} at event 2, before event 3 where the "
        "seal before ended it." in output
    )


def test_a_seal_that_leaves_out_a_chain_is_caught(sealed_chain):
    _forge_seal([])
    output, _ = _verify()
    assert f"Seals: broken at seal 2: it leaves out {RIVERSIDE}, which the seal before held." in (
        output
    )


def test_chains_are_walked_in_chunks_with_the_same_findings(
    practice_a, practice_b, practice_manager_a, practice_manager_b, django_assert_num_queries
):
    """A walk holds one chunk at a time: the events through one cursor, and one look-up of
    listed patients per chunk, finding the same breaks whatever the chunk size."""
    page = [PatientFactory(registered_practice=practice_a) for _ in range(3)]
    for _ in range(4):
        record_event(actor=actor_for(practice_manager_a), action="patient.list", patients=page)
    for _ in range(3):
        record_event(actor=actor_for(practice_manager_b), action="patient.list", patients=page)
    as_superuser_bypassing_triggers(
        "DELETE FROM governance_auditeventpatient WHERE event_id = %s AND patient_id = %s",
        [AuditEvent.objects.get(chain=practice_b.pk, sequence=2).pk, page[1].pk],
    )

    with django_assert_num_queries(1 + 4):  # the cursor, then 7 events in chunks of 2
        in_twos = list(check_chains(chunk_size=2))

    assert in_twos == list(check_chains())
    assert [(c.chain, c.events, c.broken and c.broken.sequence) for c in in_twos] == [
        (practice_a.pk, 4, None),
        (practice_b.pk, 3, 2),
    ]


def test_seal_heads_that_have_not_moved_are_not_looked_up_again(
    sealed_chain, django_assert_num_queries
):
    seal_audit_trail()
    seal_audit_trail()

    names = chain_names()

    with django_assert_num_queries(2):  # the seals, then the first seal's heads
        checked = check_seals(names=names, chunk_size=1)

    assert (checked.seals, checked.broken, checked.sealed_events) == (3, None, 3)


def test_verify_audit_works_on_the_demos_sqlite_database(tmp_path: Path):
    """The embedded demo: events, a list, a seal and a check, then a cut-off list caught."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}

    def manage(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert manage("migrate", "-v0").returncode == 0
    written = manage("shell", stdin=_SQLITE_SCRIPT)
    assert written.returncode == 0, written.stderr
    intact = manage("verify_audit")
    tamper = manage("shell", "-c", _SQLITE_TAMPER)
    broken = manage("verify_audit")

    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "Audit trail intact: 4 events in 2 chains, 1 seal checked." in intact.stdout
    assert tamper.returncode == 0, tamper.stderr
    assert broken.returncode == 1
    assert (
        "Sandside Surgery (A99901): broken at event 1: the patients it lists were changed "
        "after it was written." in broken.stdout
    )


_SQLITE_SCRIPT = """
from governance.audit import Actor, record_event
from governance.seals import seal_audit_trail
from practices.models import Membership
from practices.roles import Role
from tests.factories import PatientFactory, PracticeFactory, staff

practice = PracticeFactory(name="Sandside Surgery", ods_code="A99901")
user = staff(practice, Role.PRACTICE_MANAGER, username="manager")
actor = Actor(user=user, membership=Membership.objects.get(user=user))
page = [PatientFactory(registered_practice=practice) for _ in range(3)]
record_event(actor=actor, action="patient.list", patients=page)
record_event(actor=actor, action="patient.view", patient=page[0])
record_event(actor=Actor.system(), action="slot.import")
seal_audit_trail()
record_event(actor=actor, action="patient.view", patient=page[1])
"""

_SQLITE_TAMPER = (
    "from django.db import connection; connection.cursor().execute("
    "'DELETE FROM governance_auditeventpatient WHERE patient_id = "
    "(SELECT MIN(patient_id) FROM governance_auditeventpatient)')"
)
