"""The one access decision: its bases, their order, and that every answer is audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.access import Basis, Purpose, decide, patients_for
from governance.actions import Action
from governance.audit import Actor
from governance.models import AuditEvent, BreakGlass, Consent, Scope, SharingAgreement
from governance.permissions import org_permissions
from governance.sharing import end_agreement
from practices.roles import Role
from tests.factories import PatientFactory, staff
from tests.governance.helpers import actor_for, agreement, consent


@pytest.fixture
def hub_shares_booking(hub, practice_a, practice_manager_a):
    return agreement(practice_a, hub, Scope.BOOKING, by=practice_manager_a)


@pytest.fixture
def ae_shares_records(ae_department, practice_a, practice_manager_a):
    return agreement(practice_a, ae_department, Scope.RECORD_VIEW, by=practice_manager_a)


def _last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


def test_registered_practice_staff_are_allowed_and_audited(receptionist_practice_a, patient_a):
    decision = decide(
        actor_for(receptionist_practice_a),
        patient_a,
        Purpose.VIEW_RECORD,
        action=Action.PATIENT_VIEW,
    )
    assert decision.allowed and decision.basis == Basis.REGISTERED_PRACTICE
    event = _last_event()
    assert (event.patient, event.outcome, event.basis) == (
        patient_a,
        "allowed",
        "registered-practice",
    )
    assert event.actor_role == Role.PRACTICE_RECEPTIONIST
    assert event.actor_organisation_ods == patient_a.registered_practice.ods_code


def test_other_practice_is_refused_and_the_refusal_is_audited(receptionist_practice_b, patient_a):
    decision = decide(
        actor_for(receptionist_practice_b),
        patient_a,
        Purpose.VIEW_RECORD,
        action=Action.PATIENT_VIEW,
    )
    assert not decision.allowed
    event = _last_event()
    assert (event.patient, event.outcome) == (patient_a, "denied")


def test_hub_may_book_under_a_booking_agreement_without_consent(
    hub_receptionist, patient_a, hub_shares_booking
):
    decision = decide(
        actor_for(hub_receptionist), patient_a, Purpose.BOOK, action=Action.BOOKING_PATIENT
    )
    assert decision.allowed and decision.basis == Basis.SHARING_AGREEMENT


def test_no_agreement_no_booking(hub_receptionist, patient_b, hub_shares_booking):
    """Practice B has no agreement with the hub."""
    assert not decide(
        actor_for(hub_receptionist), patient_b, Purpose.BOOK, action=Action.BOOKING_PATIENT
    )


def test_a_booking_agreement_does_not_cover_viewing_records(
    ae_clinician, practice_a, patient_a, practice_manager_a
):
    agreement(
        practice_a,
        ae_clinician.memberships.get().organisation,
        Scope.BOOKING,
        by=practice_manager_a,
    )
    consent(patient_a, Consent.Scope.SHARE_RECORD, Consent.State.GIVEN, by=practice_manager_a)
    assert not decide(
        actor_for(ae_clinician), patient_a, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW
    )


def test_record_view_needs_the_patients_consent(
    ae_clinician, patient_a, ae_shares_records, practice_manager_a
):
    actor = actor_for(ae_clinician)
    assert not decide(actor, patient_a, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW)
    consent(
        patient_a,
        Consent.Scope.SHARE_RECORD,
        Consent.State.GIVEN,
        by=practice_manager_a,
        minutes_ago=5,
    )
    assert decide(actor, patient_a, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW).basis == (
        Basis.SHARING_AGREEMENT
    )
    consent(patient_a, Consent.Scope.SHARE_RECORD, Consent.State.WITHDRAWN, by=practice_manager_a)
    assert not decide(actor, patient_a, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW)


def test_sensitive_records_never_leave_their_practice(
    ae_clinician, practice_a, ae_shares_records, practice_manager_a
):
    patient = PatientFactory(registered_practice=practice_a, is_sensitive=True)
    consent(patient, Consent.Scope.SHARE_RECORD, Consent.State.GIVEN, by=practice_manager_a)
    BreakGlass.objects.create(
        user=ae_clinician,
        organisation=ae_clinician.memberships.get().organisation,
        patient=patient,
        reason_code="emergency-care",
        reason="Collapsed in the department",
        started_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    decision = decide(
        actor_for(ae_clinician), patient, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW
    )
    assert not decision.allowed
    assert "sensitive" in decision.reason


def test_ended_or_future_or_expired_agreements_do_not_count(
    hub_receptionist, hub, practice_a, patient_a, practice_manager_a
):
    deal = agreement(practice_a, hub, Scope.BOOKING, by=practice_manager_a)
    actor = actor_for(hub_receptionist)
    assert decide(actor, patient_a, Purpose.BOOK, action=Action.BOOKING_PATIENT)
    SharingAgreement.objects.filter(pk=deal.pk).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1),
        starts_on=timezone.localdate() - datetime.timedelta(days=10),
    )
    assert not decide(actor, patient_a, Purpose.BOOK, action=Action.BOOKING_PATIENT)
    SharingAgreement.objects.filter(pk=deal.pk).update(
        starts_on=timezone.localdate() + datetime.timedelta(days=1),
        ends_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    assert not decide(actor, patient_a, Purpose.BOOK, action=Action.BOOKING_PATIENT)


def test_a_role_without_the_purpose_is_refused_even_at_the_registered_practice(
    practice_a, patient_a
):
    ig_lead = staff(practice_a, Role.IG_LEAD)
    assert not decide(actor_for(ig_lead), patient_a, Purpose.BOOK, action=Action.BOOKING_PATIENT)


def test_live_break_glass_is_a_basis_until_it_expires(ae_clinician, patient_b):
    actor = actor_for(ae_clinician)
    event = BreakGlass.objects.create(
        user=ae_clinician,
        organisation=actor.membership.organisation,
        patient=patient_b,
        reason_code="emergency-care",
        reason="Unconscious, no other history available",
        started_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(minutes=60),
    )
    assert decide(actor, patient_b, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW).basis == (
        Basis.BREAK_GLASS
    )
    BreakGlass.objects.filter(pk=event.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=61),
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert not decide(actor, patient_b, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW)


def test_patients_for_match_the_decision(
    hub_receptionist, practice_a, practice_b, hub_shares_booking
):
    shared = PatientFactory(registered_practice=practice_a)
    sensitive = PatientFactory(registered_practice=practice_a, is_sensitive=True)
    unshared = PatientFactory(registered_practice=practice_b)
    actor = actor_for(hub_receptionist)
    findable = set(patients_for(actor, Purpose.BOOK))
    assert shared in findable and sensitive not in findable and unshared not in findable
    for patient in (shared, sensitive, unshared):
        assert bool(decide(actor, patient, Purpose.BOOK, action=Action.BOOKING_PATIENT)) == (
            patient in findable
        )


def test_patients_for_need_consent_for_record_view(
    ae_clinician, practice_a, patient_a, ae_shares_records, practice_manager_a
):
    actor = actor_for(ae_clinician)
    assert patient_a not in patients_for(actor, Purpose.VIEW_RECORD)
    consent(
        patient_a,
        Consent.Scope.SHARE_RECORD,
        Consent.State.GIVEN,
        by=practice_manager_a,
        minutes_ago=2,
    )
    assert patient_a in patients_for(actor, Purpose.VIEW_RECORD)
    consent(patient_a, Consent.Scope.SHARE_RECORD, Consent.State.REFUSED, by=practice_manager_a)
    assert patient_a not in patients_for(actor, Purpose.VIEW_RECORD)


def test_ending_an_agreement_refuses_the_very_next_request(
    client_for, ae_clinician, patient_a, ae_shares_records, practice_manager_a
):
    consent(patient_a, Consent.Scope.SHARE_RECORD, Consent.State.GIVEN, by=practice_manager_a)
    client = client_for(ae_clinician)
    url = reverse("patients:detail", args=[patient_a.public_id])
    assert client.get(url).status_code == 200
    end_agreement(by=actor_for(practice_manager_a), agreement=ae_shares_records)
    assert client.get(url).status_code == 404
    assert _last_event().outcome == "denied"


def test_denied_page_views_leave_audit_events(client_for, receptionist_practice_b, patient_a):
    response = client_for(receptionist_practice_b).get(
        reverse("patients:detail", args=[patient_a.public_id])
    )
    assert response.status_code == 404
    event = _last_event()
    assert (event.action, event.patient, event.outcome) == ("patient.view", patient_a, "denied")
    assert event.request_id and event.client_address == "127.0.0.1"


def test_an_actors_permissions_are_its_roles_read_once_and_none_once_it_ends(
    receptionist_practice_a, practice_a, django_assert_num_queries
):
    actor = actor_for(receptionist_practice_a)
    with django_assert_num_queries(1):
        held = actor.permissions
        assert actor.permissions is held  # read once per Actor, that is per request
    assert held == org_permissions(receptionist_practice_a, practice_a) != frozenset()

    ended = actor.membership
    ended.starts_at = timezone.now() - datetime.timedelta(days=2)
    ended.ends_at = timezone.now() - datetime.timedelta(minutes=1)
    assert Actor(user=receptionist_practice_a, membership=ended).permissions == frozenset()
