"""The scheduled governance jobs send and change things once, however often they run: run
again straight after (beat and a retry), or twice at once (a task delivered twice)."""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from governance import grants, sharing, tasks
from governance.models import Alert
from governance.permissions import Perm, org_permissions
from practices.models import Membership
from practices.roles import Role
from tests.factories import AccessGrantFactory, SharingAgreementFactory, UserFactory
from tests.governance.helpers import actor_for

JOB_SECONDS = 20


def _ending_soon(practice, partner):
    today = timezone.localdate()
    return SharingAgreementFactory(
        practice=practice,
        partner=partner,
        starts_on=today - datetime.timedelta(days=300),
        ends_on=today + datetime.timedelta(days=10),
    )


def _expired_grant(organisation, user=None):
    grant = AccessGrantFactory(organisation=organisation, user=user or UserFactory())
    past = timezone.now() - datetime.timedelta(minutes=5)
    Membership.objects.filter(pk=grant.membership_id).update(
        starts_at=past - datetime.timedelta(days=1), ends_at=past
    )
    return grant


# Run again straight after ------------------------------------------------------------------


def test_agreement_reminders_run_twice_remind_once(practice_a, hub):
    _ending_soon(practice_a, hub)
    assert tasks.send_agreement_reminders() == 1
    assert tasks.send_agreement_reminders() == 0
    alerts = Alert.objects.filter(kind=Alert.Kind.AGREEMENT_EXPIRING)
    assert sorted(a.organisation.ods_code for a in alerts) == sorted(
        [practice_a.ods_code, hub.ods_code]
    )


def test_agreement_reminders_on_the_next_days_remind_no_more(practice_a, hub):
    _ending_soon(practice_a, hub)
    today = timezone.localdate()
    for days in range(5):
        sharing.send_agreement_reminders(today=today + datetime.timedelta(days=days))
    assert Alert.objects.filter(kind=Alert.Kind.AGREEMENT_EXPIRING).count() == 2


def test_expiring_grants_twice_expires_once(practice_a):
    grant = _expired_grant(practice_a)
    assert tasks.expire_access_grants() == 1
    membership = Membership.objects.get(pk=grant.membership_id)
    assert tasks.expire_access_grants() == 0
    assert Membership.objects.get(pk=grant.membership_id).updated_at == membership.updated_at
    assert not membership.is_active


def test_a_grant_renewed_while_expiry_runs_is_left_alone(practice_a, ig_lead_a, monkeypatch):
    """Expiry reads the expired memberships, then changes them one at a time: a membership
    given new dates in between (honorary access granted again) must keep them."""
    first, second = _expired_grant(practice_a), _expired_grant(practice_a)
    real_sync = grants.sync_membership_permissions
    regranted: list = []

    def sync_then_regrant(*, user, organisation, role):
        real_sync(user=user, organisation=organisation, role=role)
        if role is None and not regranted:
            other = second if user == first.user else first
            regranted.append(other)
            grants.grant_access(
                by=actor_for(ig_lead_a),
                user=other.user,
                role=Role.PRACTICE_RECEPTIONIST,
                starts_at=timezone.now() - datetime.timedelta(minutes=1),
                ends_at=timezone.now() + datetime.timedelta(days=7),
                reason="Cover extended for another week",
            )

    monkeypatch.setattr(grants, "sync_membership_permissions", sync_then_regrant)
    assert grants.expire_access_grants() == 1
    (other,) = regranted
    assert Membership.objects.get(pk=other.membership_id).is_active
    assert Perm.BOOK_FOR_PATIENTS in org_permissions(other.user, practice_a)


# Twice at once -----------------------------------------------------------------------------


def _waiting_for_a_lock(timeout: float) -> bool:
    """Whether another connection to this database is waiting for a row lock, within
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


def _two_runs_at_once(job, monkeypatch, *, module, pause_in: str) -> list:
    """Run `job` in two threads: the first pauses inside `<module>.<pause_in>`, part-way
    through its work, until the second has caught up with it (or plainly run, if nothing
    makes it wait). Returns both runs' results, first run first."""
    paused, go = threading.Event(), threading.Event()
    real = getattr(module, pause_in)

    def pausing(*args, **kwargs):
        result = real(*args, **kwargs)
        if threading.current_thread().name == "first" and not paused.is_set():
            paused.set()
            go.wait(JOB_SECONDS)
        return result

    monkeypatch.setattr(module, pause_in, pausing)
    results: dict[str, object] = {}

    def run(name: str) -> None:
        try:
            results[name] = job()
        except Exception as error:  # the test reports it rather than hang
            results[name] = error
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first",), name="first")
    second = threading.Thread(target=run, args=("second",), name="second")
    first.start()
    assert paused.wait(JOB_SECONDS), "the first run never reached its work"
    second.start()
    _waiting_for_a_lock(timeout=3)  # the second run, held until the first commits
    go.set()
    first.join(JOB_SECONDS)
    second.join(JOB_SECONDS)
    return [results.get("first"), results.get("second")]


@pytest.mark.django_db(transaction=True)
def test_agreement_reminders_run_twice_at_once_remind_once(practice_a, hub, monkeypatch):
    _ending_soon(practice_a, hub)
    results = _two_runs_at_once(
        sharing.send_agreement_reminders, monkeypatch, module=sharing, pause_in="create_alert"
    )
    assert results == [1, 0], results
    assert Alert.objects.filter(kind=Alert.Kind.AGREEMENT_EXPIRING).count() == 2


@pytest.mark.django_db(transaction=True)
def test_expiring_grants_twice_at_once_expires_once(practice_a, monkeypatch):
    _expired_grant(practice_a)
    results = _two_runs_at_once(
        grants.expire_access_grants,
        monkeypatch,
        module=grants,
        pause_in="sync_membership_permissions",
    )
    assert results == [1, 0], results
