"""The restore drill: a backup taken with ops/backup.sh of a hub with bookings, an audit
trail and write-back both delivered and still to go, restored with ops/restore.sh into a
new PostgreSQL cluster. There the audit trail verifies, and the outbox carries on where it
stopped: what was waiting reaches the practice once, what had arrived is not sent again."""

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from booking.models import Booking, Slot
from booking.services import bookings, managing
from governance.models import AuditEvent
from governance.seals import seal_audit_trail
from tests.governance.helpers import actor_for
from tests.gpconnect.sandbox.harness import PRACTICE
from tests.ops.cluster import fresh_cluster, psql
from tests.writeback.helpers import linked_to_sandbox
from writeback import tasks
from writeback.models import WriteBackMessage

State = WriteBackMessage.State
Op = WriteBackMessage.Operation
BASE_DIR = Path(settings.BASE_DIR)

pytestmark = pytest.mark.django_db(transaction=True)


def _url_of_this_database() -> str:
    """The URL of the test database this worker uses (one per xdist worker)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _run(command: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    return _run([sys.executable, "manage.py", *args], DATABASE_URL=database_url)


def _backup(backup_dir: Path) -> Path:
    done = _run(
        [str(BASE_DIR / "ops/backup.sh")],
        DATABASE_URL=_url_of_this_database(),
        BACKUP_DIR=str(backup_dir),
    )
    assert done.returncode == 0, done.stderr
    backup = Path(done.stdout.strip())
    assert backup.parent == backup_dir
    assert re.fullmatch(r"hubdiary-\d{8}T\d{6}Z\.dump", backup.name)
    return backup


def _restore(backup: Path, target: str, **env: str) -> subprocess.CompletedProcess:
    return _run([str(BASE_DIR / "ops/restore.sh"), str(backup), target], **env)


def _new_database(cluster: str, name: str) -> str:
    psql(cluster, f"CREATE DATABASE {name}")
    return cluster.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def sandbox(practice_a, practice_manager_a, hub_books_for_a, monkeypatch):
    """Practice A linked to the GP Connect sandbox, its free slots imported. Nothing reaches
    a broker: every hand-over to a worker is lost, as in a broker outage, so only what the
    test delivers is delivered before the backup."""
    assert practice_a.ods_code == PRACTICE
    with linked_to_sandbox(practice_a, practice_manager_a, monkeypatch, at_least=3) as running:
        yield running


def _book(receptionist, patient, slot: Slot) -> Booking:
    return bookings.book_slot(
        by=actor_for(receptionist), slot=slot, patient=patient, description="Asthma review"
    )


def _message(booking: Booking, operation: str) -> WriteBackMessage:
    return WriteBackMessage.objects.get(booking=booking, operation=operation)


def _in_the_practice_book(sandbox, booking: Booking) -> list[str]:
    return [
        appointment["status"]
        for appointment in sandbox.ledger(PRACTICE)
        if appointment["reference"] == str(booking.public_id)
    ]


def test_a_restored_backup_verifies_and_its_outbox_resumes_where_it_stopped(
    sandbox, practice_a, hub_receptionist, patient_a, tmp_path
):
    slots = list(
        Slot.objects.filter(practice=practice_a, status=Slot.Status.FREE)
        .exclude(external_id="")
        .filter(start__gt=timezone.now() + datetime.timedelta(hours=2))
        .order_by("start")[:3]
    )
    delivered, cancelled, waiting = (_book(hub_receptionist, patient_a, s) for s in slots)
    for booking in (delivered, cancelled):
        assert tasks.deliver_write_back(_message(booking, Op.BOOK).pk) == State.CONFIRMED
    managing.cancel_booking(
        by=actor_for(hub_receptionist), booking=cancelled, reason="Patient is better"
    )
    seal_audit_trail()
    # Their hand-over to a worker was lost a minute before the backup: the sweep's to find.
    WriteBackMessage.objects.filter(state=State.PENDING).update(
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    pending = {
        str(_message(waiting, Op.BOOK).pk): "book",
        str(_message(cancelled, Op.CANCEL).pk): "cancel",
    }
    confirmed = {str(_message(b, Op.BOOK).pk) for b in (delivered, cancelled)}
    assert set(
        map(str, WriteBackMessage.objects.filter(state=State.PENDING).values_list("pk", flat=True))
    ) == set(pending)
    events = AuditEvent.objects.count()
    sent_before = len(sandbox.requests())

    backup = _backup(tmp_path / "backups")
    with fresh_cluster() as cluster:
        restored = _new_database(cluster, "hubdiary")
        done = _restore(backup, restored)
        assert done.returncode == 0, done.stderr

        verified = _manage("verify_audit", database_url=restored)
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert f"Audit trail intact: {events:,} events" in verified.stdout
        assert "Seals: 1 seal checked, intact." in verified.stdout

        resumed = _run(
            [sys.executable, "-m", "tests.ops.after_restore"],
            DATABASE_URL=restored,
            CELERY_BROKER_URL="memory://",
            DJANGO_SETTINGS_MODULE="config.settings",
        )
        assert resumed.returncode == 0, resumed.stderr
        outbox = json.loads(resumed.stdout)

        # The sweep finds exactly what was waiting; once sent, nothing is left to find.
        assert set(map(str, outbox["due_before"])) == set(pending)
        assert outbox["due_after"] == []
        assert outbox["states"] == dict.fromkeys([*pending, *confirmed], State.CONFIRMED)
        # Handed over twice more, nothing already confirmed is sent again.
        assert all(state == State.CONFIRMED for one in outbox["passes"] for state in one.values())
        # What changed the practice's book after the restore: one booking, one cancellation.
        writes = [
            r["interaction"]
            for r in sandbox.requests()[sent_before:]
            if r["method"] in {"POST", "PUT", "DELETE"}
        ]
        assert sorted(writes) == ["book_appointment", "cancel_appointment"]
        assert _in_the_practice_book(sandbox, delivered) == ["booked"]
        assert _in_the_practice_book(sandbox, cancelled) == ["cancelled"]
        assert _in_the_practice_book(sandbox, waiting) == ["booked"]

        # The check reads the restored database, and would say if its trail were broken.
        psql(
            restored,
            "SET session_replication_role = replica; UPDATE governance_auditevent "
            "SET action = 'patient.view' WHERE id = (SELECT min(id) FROM governance_auditevent)",
        )
        tampered = _manage("verify_audit", database_url=restored)
        assert tampered.returncode != 0
        assert "broken at event 1" in tampered.stdout

    # The hub itself is untouched by the drill: its messages still wait.
    assert WriteBackMessage.objects.filter(state=State.PENDING).count() == len(pending)


def test_restore_refuses_a_database_that_holds_tables_unless_forced(
    practice_a, practice_manager_a, tmp_path
):
    backup = _backup(tmp_path / "backups")
    with fresh_cluster() as cluster:
        target = _new_database(cluster, "hubdiary")
        assert _restore(backup, target).returncode == 0
        psql(
            target,
            "UPDATE practices_organisation SET name = 'Changed since the backup' "
            "WHERE ods_code = 'A10001'",
        )

        refused = _restore(backup, target)
        assert refused.returncode == 1
        assert "refusing to restore over it" in refused.stderr
        assert psql(
            target, "SELECT name FROM practices_organisation WHERE ods_code = 'A10001'"
        ) == ("Changed since the backup")

        forced = _restore(backup, target, FORCE="1")
        assert forced.returncode == 0, forced.stderr
        assert psql(
            target, "SELECT name FROM practices_organisation WHERE ods_code = 'A10001'"
        ) == ("Riverside Medical Centre")


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "hubdiary-20260101T000000Z.dump"
    not_a_backup.write_text("SELECT 1;\n")
    with fresh_cluster() as cluster:
        target = _new_database(cluster, "hubdiary")
        done = _restore(not_a_backup, target)
        assert done.returncode != 0
        assert psql(target, "SELECT count(*) FROM pg_class WHERE relname LIKE 'booking%'") == "0"
