"""The benchmark's data generator on a tiny preset, so the bench code cannot rot: what it
loads is what the app would have made, and search over it uses slot_free_by_start."""

import random

import pytest
from django.db import connection
from django.utils import timezone

from bench import generate, harness
from booking import releases
from booking.models import Booking, Session, Slot
from governance.models import SharingAgreement
from governance.permissions import Perm, org_permissions
from patients.models import Patient
from patients.nhs_number import validate_nhs_number
from practices.models import Organisation

TINY = generate.PRESETS["tiny"]


@pytest.fixture
def generated(db):
    return generate.generate(TINY, seed=3, log=lambda line: None)


def test_generator_loads_the_preset_counts(generated):
    assert Organisation.objects.filter(kind=Organisation.Kind.HUB).count() == TINY.hubs
    practices = Organisation.objects.filter(kind=Organisation.Kind.GP_PRACTICE)
    assert practices.count() == TINY.practices
    assert Slot.objects.count() == TINY.slots
    assert Patient.objects.count() == TINY.practices * TINY.patients_per_practice
    # Every practice is in one hub and has an active booking agreement with it.
    for practice in practices:
        (hub,) = practice.hubs.all()
        assert SharingAgreement.objects.filter(
            practice=practice, partner=hub, status=SharingAgreement.Status.ACTIVE
        ).exists()
    # Booked slots have exactly one live booking each, and only they do.
    booked = Slot.objects.filter(status=Slot.Status.BOOKED)
    assert booked.exists()
    assert Booking.objects.count() == booked.count()
    assert set(Booking.objects.values_list("slot_id", flat=True)) == set(
        booked.values_list("id", flat=True)
    )
    assert Slot.objects.filter(status=Slot.Status.FREE).count() > TINY.slots // 2


def test_generated_rows_are_what_the_app_would_store(generated):
    for patient in Patient.objects.all()[:20]:
        validate_nhs_number(patient.nhs_number)
    for session in Session.objects.prefetch_related("rules", "slots")[:40]:
        rules = list(session.rules.all())
        for slot in session.slots.all():
            stored = {name: getattr(slot, name) for name in releases.RELEASE_COLUMNS}
            assert stored == releases.release_columns(rules, slot.start)
            assert session.starts_at <= slot.start < slot.end <= session.ends_at
    for hub in generated.hubs:
        for user in generated.receptionists[hub.pk]:
            assert Perm.BOOK_FOR_PATIENTS in org_permissions(user, hub)
            assert user.auth_token.key


def test_hub_search_reads_slot_free_by_start(generated):
    hub = generated.hubs[0]
    user = generated.receptionists[hub.pk][0]
    sql = harness.search_sql_for(hub.pk, user.pk)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE booking_slot")
        # With so few rows a sequential scan would do; ask which index serves the order.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "slot_free_by_start" in plan, plan


def test_harness_books_a_generated_slot_as_the_api_does(generated):
    hub = generated.hubs[0]
    user = generated.receptionists[hub.pk][0]
    ((slot_id, nhs_number),) = harness.bookable_slots(hub.pk, limit=1, rng=random.Random(1))

    booking = harness.book_as_the_api_does(harness.actor_for(user.pk, hub.pk), slot_id, nhs_number)

    assert str(booking.slot.public_id) == slot_id
    assert booking.patient.nhs_number == nhs_number
    assert booking.booking_organisation == hub
    assert booking.start > timezone.now()
