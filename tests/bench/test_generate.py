"""The benchmark's data generator on the tiny preset, so the bench code cannot rot: what it
loads is what the app would have made."""

from django.db.models import Count

from bench.generate import PRESETS
from booking.appointment_data import NationalCategory, ServiceSetting
from booking.models import Booking, Session, Slot
from booking.release_rules.stored import RELEASE_COLUMNS, release_columns
from governance.models import SharingAgreement
from governance.permissions import Perm, org_permissions
from patients.models import Patient
from patients.nhs_number import validate_nhs_number
from practices.models import Organisation

TINY = PRESETS["tiny"]


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
            stored = {name: getattr(slot, name) for name in RELEASE_COLUMNS}
            assert stored == release_columns(rules, slot.start)
            assert session.starts_at <= slot.start < slot.end <= session.ends_at
    for hub in generated.hubs:
        for user in generated.receptionists[hub.pk]:
            assert Perm.BOOK_FOR_PATIENTS in org_permissions(user, hub)
            assert user.auth_token.key


def test_generated_sessions_carry_a_realistic_national_category_and_setting(generated):
    """Every generated session is the hub's Enhanced Access, mostly routine consultations,
    its telephone GP sessions triage; none is left unmapped for the reports to skip."""
    categories = {
        row["national_category"]: row["count"]
        for row in Session.objects.values("national_category").annotate(count=Count("id"))
    }
    assert set(Session.objects.values_list("service_setting", flat=True)) == {
        ServiceSetting.EXTENDED_ACCESS
    }
    assert NationalCategory.UNMAPPED not in categories
    assert max(categories, key=categories.get) == NationalCategory.GENERAL_ROUTINE
    assert len(categories) >= 3
    assert not Session.objects.filter(
        delivery_channel="Telephone", practitioner_role__in=["R0260", "R0270"]
    ).exclude(national_category=NationalCategory.CLINICAL_TRIAGE)
