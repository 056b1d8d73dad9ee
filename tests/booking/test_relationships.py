"""A patient booked into a practice's clinic gives that practice a care relationship: it may
see and manage the booking though no agreement covers the patient, and each relationship it
relies on goes to the patient's practice to review."""

import datetime

from django.urls import reverse
from django.utils import timezone

from booking.models import Booking
from governance.access import Basis, Purpose, decide, patients_for
from governance.actions import Action
from governance.models import AuditEvent, Relationship, Scope
from tests.booking.builders import booking_at
from tests.governance.helpers import actor_for, agreement


def _hub_booking_into_b(hub, practice_a, practice_b, patient_a, practice_manager_a):
    """The hub, sharing with practice A, books A's patient into practice B's clinic."""
    agreement(practice_a, hub, Scope.BOOKING, by=practice_manager_a)
    return booking_at(practice_b, made_by=hub, patient=patient_a)


def test_the_clinics_practice_sees_the_booking_through_a_care_relationship(
    client_for, hub, practice_a, practice_b, patient_a, practice_manager_a, receptionist_practice_b
):
    booking = _hub_booking_into_b(hub, practice_a, practice_b, patient_a, practice_manager_a)
    client = client_for(receptionist_practice_b)
    url = reverse("booking:booking", args=[booking.public_id])
    for _ in range(2):
        page = client.get(url)
        assert page.status_code == 200 and patient_a.family_name.upper() in page.content.decode()
    views = AuditEvent.objects.filter(action=Action.BOOKING_VIEW, patient=patient_a)
    assert {(e.basis, e.outcome) for e in views} == {(Basis.CARE_RELATIONSHIP, "allowed")}
    [relationship] = Relationship.objects.filter(patient=patient_a)  # once, however often
    assert (relationship.organisation, relationship.kind, relationship.reference) == (
        practice_b,
        Relationship.Kind.APPOINTMENT,
        booking.public_id,
    )
    assert relationship.review == Relationship.Review.PENDING


def test_listing_the_clinic_notes_the_relationship_too(
    client_for, hub, practice_a, practice_b, patient_a, practice_manager_a, practice_manager_b
):
    booking = _hub_booking_into_b(hub, practice_a, practice_b, patient_a, practice_manager_a)
    page = client_for(practice_manager_b).get(
        reverse("booking:run_sheet", args=[booking.slot.session.public_id])
    )
    assert patient_a.family_name.upper() in page.content.decode()
    assert Relationship.objects.filter(
        organisation=practice_b, patient=patient_a, reference=booking.public_id
    ).exists()


def test_access_on_an_agreement_needs_no_review(
    hub, practice_a, practice_b, patient_a, practice_manager_a, hub_receptionist
):
    _hub_booking_into_b(hub, practice_a, practice_b, patient_a, practice_manager_a)
    decision = decide(
        actor_for(hub_receptionist), patient_a, Purpose.BOOK, action=Action.BOOKING_VIEW
    )
    assert decision.basis == Basis.SHARING_AGREEMENT
    assert not Relationship.objects.exists()


def test_a_cancelled_or_long_past_booking_gives_no_relationship(
    hub, practice_a, practice_b, patient_a, practice_manager_a, receptionist_practice_b
):
    booking = _hub_booking_into_b(hub, practice_a, practice_b, patient_a, practice_manager_a)
    actor = actor_for(receptionist_practice_b)
    assert patient_a in patients_for(actor, Purpose.BOOK)
    Booking.objects.filter(pk=booking.pk).update(
        start=timezone.now() - datetime.timedelta(days=31),
        end=timezone.now() - datetime.timedelta(days=31) + datetime.timedelta(minutes=15),
    )
    assert patient_a not in patients_for(actor, Purpose.BOOK)
    assert not decide(actor, patient_a, Purpose.BOOK, action=Action.BOOKING_VIEW)


def test_no_relationship_for_a_sensitive_record(
    hub, practice_a, practice_b, patient_a, practice_manager_a, receptionist_practice_b
):
    _hub_booking_into_b(hub, practice_a, practice_b, patient_a, practice_manager_a)
    patient_a.is_sensitive = True
    patient_a.save(update_fields=["is_sensitive"])
    actor = actor_for(receptionist_practice_b)
    assert not decide(actor, patient_a, Purpose.BOOK, action=Action.BOOKING_VIEW)
    assert patient_a not in patients_for(actor, Purpose.BOOK)
