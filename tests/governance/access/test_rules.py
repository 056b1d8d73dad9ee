"""The access rules' two forms agree: for every kind of seeker, purpose and patient, the
filter lists exactly the patients the one-patient check allows."""

import datetime
import itertools

import pytest
from django.utils import timezone

from booking.models import Booking
from caretracker.models import CareTeamMember, Encounter, Enrolment
from governance.access import PURPOSES, Basis, Purpose, patients_for
from governance.access.rules import Seeker, evaluate, evaluate_own
from governance.audit import Actor
from governance.models import BreakGlass, Consent, Relationship, Scope
from online.accounts import account_for_patient
from practices.models import Organisation
from practices.roles import Role
from tests.booking.builders import booking_at
from tests.caretracker.builders import enrolment_at
from tests.factories import (
    AccessGrantFactory,
    OrganisationFactory,
    PatientFactory,
    RelationshipFactory,
    UserFactory,
    staff,
)
from tests.governance.helpers import actor_for, agreement, consent

NOW = timezone.now
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def world(practice_a, practice_b, hub, ae_department, practice_manager_a, practice_manager_b):
    """Patients of every kind that matters to the rules, and seekers of every role.

    Practice A shares with the hub for booking and with A&E for record view and the care
    tracker; practice B shares with no one. A&E's clinician has a live and an expired
    break-glass and a claimed relationship; practice B holds bookings of A's patients."""
    agreement(practice_a, hub, Scope.BOOKING, by=practice_manager_a)
    agreement(practice_a, ae_department, Scope.RECORD_VIEW, by=practice_manager_a)
    agreement(practice_a, ae_department, Scope.CARE_TRACKER, by=practice_manager_a)
    ae = staff(ae_department, Role.URGENT_CARE_CLINICIAN, username="ae.rules")
    patients = []
    states = [None, Consent.State.GIVEN, Consent.State.REFUSED, Consent.State.WITHDRAWN]
    for practice, sensitive, record_consent, tracker_consent in itertools.product(
        (practice_a, practice_b), (False, True), states, states
    ):
        patient = PatientFactory(registered_practice=practice, is_sensitive=sensitive)
        for scope, state in (
            (Consent.Scope.SHARE_RECORD, record_consent),
            (Consent.Scope.CARE_TRACKER, tracker_consent),
        ):
            if state is not None:
                manager = practice_manager_a if practice == practice_a else practice_manager_b
                consent(patient, scope, Consent.State.GIVEN, by=manager, minutes_ago=10)
                consent(patient, scope, state, by=manager)
        patients.append(patient)
    # Booked into practice B's clinic (a care relationship for B), live and cancelled.
    booked = PatientFactory(registered_practice=practice_a)
    booking_at(practice_b, patient=booked)
    cancelled = PatientFactory(registered_practice=practice_a)
    Booking.objects.filter(pk=booking_at(practice_b, patient=cancelled).pk).update(
        status=Booking.Status.CANCELLED, cancelled_at=NOW(), cancelled_by=ae
    )
    # Break-glass and claimed relationships for the A&E clinician, live and over.
    glass, old_glass, claimed, old_claim = (
        PatientFactory(registered_practice=practice_b) for _ in range(4)
    )
    for patient, start in ((glass, NOW()), (old_glass, NOW() - 2 * HOUR)):
        BreakGlass.objects.create(
            user=ae,
            organisation=ae_department,
            patient=patient,
            reason_code=BreakGlass.Reason.EMERGENCY_CARE,
            reason="Collapsed in the department",
            started_at=start,
            expires_at=start + HOUR,
        )
    for patient, start in ((claimed, NOW()), (old_claim, NOW() - 48 * HOUR)):
        RelationshipFactory(organisation=ae_department, user=ae, patient=patient, started_at=start)
    sensitive_glass = PatientFactory(registered_practice=practice_b, is_sensitive=True)
    BreakGlass.objects.create(
        user=ae,
        organisation=ae_department,
        patient=sensitive_glass,
        reason_code=BreakGlass.Reason.EMERGENCY_CARE,
        reason="Collapsed in the department",
        started_at=NOW(),
        expires_at=NOW() + HOUR,
    )
    patients += [booked, cancelled, glass, old_glass, claimed, old_claim, sensitive_glass]
    # A care home on the care teams of practice B's patients: with consent, without, removed
    # from the team, and after the enrolment ended. A&E saw one of B's patients today.
    care_home = OrganisationFactory(kind=Organisation.Kind.CARE_HOME, name="Beechwood")
    team = ((care_home, CareTeamMember.Role.CARE_HOME),)
    resident = enrolment_at(practice_b, team=team).patient
    refused = enrolment_at(practice_b, team=team, consent=Consent.State.REFUSED).patient
    removed = enrolment_at(practice_b, team=team)
    CareTeamMember.objects.filter(enrolment=removed, organisation=care_home).update(
        removed_at=NOW()
    )
    ended = enrolment_at(practice_b, team=team)
    Enrolment.objects.filter(pk=ended.pk).update(ended_at=NOW())
    seen = PatientFactory(registered_practice=practice_b)
    Encounter.objects.create(
        patient=seen,
        organisation=ae_department,
        logged_by=ae,
        kind=Encounter.Kind.A_AND_E,
        occurred_at=NOW(),
        presenting_reason="Fall",
        outcome=Encounter.Outcome.SENT_HOME,
    )
    patients += [resident, refused, removed.patient, ended.patient, seen]
    locum = UserFactory(username="locum.rules")
    AccessGrantFactory(organisation=practice_b, user=locum, role=Role.CLINICIAN)
    seekers = [
        staff(practice_a, role, username=f"a.{role}")
        for role in (Role.PRACTICE_RECEPTIONIST, Role.CLINICIAN, Role.IG_LEAD)
    ] + [
        staff(practice_b, Role.PRACTICE_MANAGER, username="b.manager"),
        staff(hub, Role.HUB_RECEPTIONIST, username="hub.rules"),
        ae,
        locum,
        staff(care_home, Role.CARE_HOME_STAFF, username="care-home.rules"),
    ]
    return patients, seekers


def test_the_filter_lists_exactly_the_patients_the_check_allows(world):
    patients, seekers = world
    for user in seekers:
        actor = actor_for(user)
        seeker = Seeker.of(actor)
        for purpose in PURPOSES:
            listed = set(patients_for(actor, purpose).filter(pk__in=[p.pk for p in patients]))
            allowed = {p for p in patients if evaluate(seeker, p, purpose).decision.allowed}
            assert listed == allowed, (user.username, purpose)


def test_the_world_reaches_every_basis(world, practice_b):
    """The agreement above means something only if every basis is exercised."""
    patients, seekers = world
    bases = {
        evaluate(Seeker.of(actor_for(user)), patient, purpose).decision.basis
        for user in seekers
        for patient in patients
        for purpose in PURPOSES
    }
    # A patient online's own basis is exercised by the patient test below.
    assert set(Basis) - {Basis.THE_PATIENT} <= bases


def test_a_patient_online_has_their_own_record_and_no_other_in_both_forms(world):
    patients, _ = world
    me = patients[0]
    account = account_for_patient(me)
    actor = Actor.for_patient(Actor(user=None), account)
    checked = {p.pk for p in patients if evaluate_own(actor, p).decision.allowed}
    listed = patients_for(actor, Purpose.VIEW_RECORD).filter(pk__in=[p.pk for p in patients])
    assert checked == {me.pk} == {p.pk for p in listed}
    assert evaluate_own(actor, me).decision.basis == Basis.THE_PATIENT


def test_a_relationship_counts_only_for_the_purposes_that_allow_it(world):
    _, seekers = world
    ae = next(user for user in seekers if user.username == "ae.rules")
    claimed = Relationship.objects.get(user=ae, started_at__gt=NOW() - HOUR).patient
    actor = actor_for(ae)
    assert claimed in patients_for(actor, Purpose.VIEW_RECORD)
    assert claimed not in patients_for(actor, Purpose.CARE_TRACKER)


def test_a_care_home_sees_only_its_consenting_residents_and_only_in_the_care_tracker(world):
    patients, seekers = world
    home = next(user for user in seekers if user.username == "care-home.rules")
    actor = actor_for(home)
    seen = set(patients_for(actor, Purpose.CARE_TRACKER).filter(pk__in=[p.pk for p in patients]))
    enrolled = Enrolment.objects.filter(
        ended_at__isnull=True,
        team__organisation=actor.membership.organisation,
        team__removed_at__isnull=True,
    )
    consenting = {
        e.patient
        for e in enrolled
        if Consent.objects.filter(patient=e.patient, scope=Consent.Scope.CARE_TRACKER).first().state
        == Consent.State.GIVEN
    }
    assert len(consenting) == 1 and seen == consenting  # not the refusing, removed or ended
    (resident,) = seen
    assert evaluate(Seeker.of(actor), resident, Purpose.CARE_TRACKER).decision.basis == (
        Basis.CARE_TEAM
    )
    for purpose in (Purpose.BOOK, Purpose.VIEW_RECORD):
        assert not patients_for(actor, purpose).exists()


def test_a_contact_counts_for_a_day_for_booking_and_the_record_not_the_care_tracker(world):
    _, seekers = world
    ae = next(user for user in seekers if user.username == "ae.rules")
    seen = Encounter.objects.get(logged_by=ae).patient
    seeker = Seeker.of(actor_for(ae))
    assert evaluate(seeker, seen, Purpose.BOOK).decision.basis == Basis.CARE_RELATIONSHIP
    assert not evaluate(seeker, seen, Purpose.CARE_TRACKER).decision
    Encounter.objects.filter(logged_by=ae).update(created_at=NOW() - 25 * HOUR)
    assert not evaluate(Seeker.of(actor_for(ae)), seen, Purpose.BOOK).decision
