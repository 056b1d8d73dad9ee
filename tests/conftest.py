"""Shared fixtures: the organisations and personas every test speaks in."""

import datetime
import io
import json
import os

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from booking.models import Audience, DeliveryChannel
from booking.services.sessions import RuleSpec, publish_sessions
from governance.models import Scope
from practices.models import Clinician
from practices.roles import Role
from tests.factories import (
    ClinicianFactory,
    HubFactory,
    PatientFactory,
    PracticeFactory,
    SiteFactory,
    UrgentCareFactory,
    UserFactory,
    staff,
)
from tests.governance.helpers import actor_for, agreement

# Property tests judge behaviour, not speed: a loaded CI machine must not fail them.
hypothesis_settings.register_profile(
    "hubdiary", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("hubdiary")


def pytest_configure(config: pytest.Config) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise pytest.UsageError(
            "The tests run against PostgreSQL and Redis: use `make test`, or set DATABASE_URL "
            "and CELERY_BROKER_URL to servers of your own."
        )


def pytest_terminal_summary(terminalreporter):
    """How much axe checked in this run: pages, widths and the rules it ran."""
    from tests.browser.axe import record_file  # the browser tests' own module

    recorded = record_file()
    if recorded is None or not recorded.exists():
        return
    checks = [json.loads(line) for line in recorded.read_text().splitlines() if line]
    pages = {check["page"] for check in checks}
    widths = sorted({check["width"] for check in checks})
    rules = max(check["rules"] for check in checks)
    terminalreporter.write_line(
        f"axe: {len(pages)} pages checked at {' and '.join(f'{w} px' for w in widths)} "
        f"({len(checks)} checks), {rules} WCAG 2.2 A and AA rules, no violations"
    )


def pytest_report_header(config: pytest.Config) -> list[str]:
    import psycopg
    import redis

    database_url = os.environ["DATABASE_URL"]
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    broker = os.environ.get("CELERY_BROKER_URL", "")
    redis_version = (
        redis.Redis.from_url(broker).info("server")["redis_version"] if broker else "none"
    )
    host = database_url.split("@")[-1].split("/")[0]
    return [f"database: PostgreSQL {version} at {host}", f"broker: Redis {redis_version}"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings, request):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            *settings.PASSWORD_HASHERS,
        ]


@pytest.fixture(autouse=True)
def sent_email(settings):
    """Every test records email instead of sending it; this is what was sent, in order."""
    from notifications.backends import RecordingBackend

    settings.NOTIFICATIONS_BACKEND = "notifications.backends.RecordingBackend"
    RecordingBackend.outbox.clear()
    yield RecordingBackend.outbox
    RecordingBackend.outbox.clear()


# Organisations ---------------------------------------------------------------------------


@pytest.fixture
def practice_a(db):
    return PracticeFactory(name="Riverside Medical Centre", ods_code="A10001")


@pytest.fixture
def practice_b(db):
    return PracticeFactory(name="Kirkgate Surgery", ods_code="B20002")


@pytest.fixture
def hub(db, practice_a, practice_b):
    hub = HubFactory(name="Aire Valley Hub", ods_code="U30003")
    hub.member_practices.set([practice_a, practice_b])
    return hub


@pytest.fixture
def ae_department(db):
    return UrgentCareFactory(name="St Luke's Emergency Department", ods_code="RZZ01")


# Personas --------------------------------------------------------------------------------


@pytest.fixture
def practice_manager_a(practice_a):
    return staff(practice_a, Role.PRACTICE_MANAGER, username="manager.a")


@pytest.fixture
def receptionist_practice_a(practice_a):
    return staff(practice_a, Role.PRACTICE_RECEPTIONIST, username="reception.a")


@pytest.fixture
def clinician_a(practice_a):
    return staff(practice_a, Role.CLINICIAN, username="clinician.a")


@pytest.fixture
def ig_lead_a(practice_a):
    return staff(practice_a, Role.IG_LEAD, username="ig.a")


@pytest.fixture
def practice_manager_b(practice_b):
    return staff(practice_b, Role.PRACTICE_MANAGER, username="manager.b")


@pytest.fixture
def receptionist_practice_b(practice_b):
    return staff(practice_b, Role.PRACTICE_RECEPTIONIST, username="reception.b")


@pytest.fixture
def hub_manager(hub):
    return staff(hub, Role.HUB_MANAGER, username="hub.manager")


@pytest.fixture
def hub_receptionist(hub):
    return staff(hub, Role.HUB_RECEPTIONIST, username="hub.reception")


@pytest.fixture
def ae_clinician(ae_department):
    return staff(ae_department, Role.URGENT_CARE_CLINICIAN, username="ae.clinician")


@pytest.fixture
def outsider(db):
    """Signed in, but works for no organisation in Hub Diary."""
    return UserFactory(username="outsider")


# Patients --------------------------------------------------------------------------------


@pytest.fixture
def patient_a(practice_a):
    return PatientFactory(registered_practice=practice_a, given_name="Ada", family_name="Lovelace")


@pytest.fixture
def patient_b(practice_b):
    return PatientFactory(registered_practice=practice_b, given_name="Bea", family_name="Brown")


# Sessions to book into, published the way practices publish them -----------------------

HUB_NOW = RuleSpec(audience=Audience.HUB)


@pytest.fixture
def publish(practice_manager_a, practice_a):
    """Publish a session at practice A (or another practice, given its manager)."""

    def make(
        *,
        manager=None,
        days_ahead=2,
        start=datetime.time(18, 30),
        end=datetime.time(20, 0),
        minutes=15,
        rules=(HUB_NOW,),
        weeks=1,
        clinician=True,
        role=Clinician.JobRole.GP,
    ):
        manager = manager or practice_manager_a
        actor = actor_for(manager)
        practice = actor.membership.organisation
        site = SiteFactory(organisation=practice)
        doctor = ClinicianFactory(organisation=practice, job_role=role) if clinician else None
        return publish_sessions(
            by=actor,
            site=site,
            clinician=doctor,
            practitioner_role=role,
            session_type="GP extended access",
            slot_type="Routine appointment",
            delivery_channel=DeliveryChannel.IN_PERSON,
            first_date=timezone.localdate() + datetime.timedelta(days=days_ahead),
            start_time=start,
            end_time=end,
            slot_minutes=minutes,
            weeks=weeks,
            rules=rules,
        )

    return make


ONLINE_NOW = RuleSpec(audience=Audience.ONLINE)


@pytest.fixture
def online_slots(hub, publish):
    """Slots at practice A, 6:30pm to 8pm in two days, released to patients online."""
    return list(publish(rules=(ONLINE_NOW,))[0].slots.order_by("start"))


@pytest.fixture
def hub_books_for_a(hub, practice_a, practice_manager_a):
    return agreement(practice_a, hub, Scope.BOOKING, by=practice_manager_a)


# The demo -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """The demo hub, loaded once for a module inside a transaction rolled back at the end."""
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(loaded_demo, db):
    """The demo data; each test's own writes roll back to a savepoint."""


# Clients ---------------------------------------------------------------------------------


@pytest.fixture
def client_for(db):
    """A test client signed in as the given user."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
