"""factory-boy factories for the domain. Memberships go through the service, so object
permissions are assigned exactly as in the running system."""

import datetime
import itertools
import uuid

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from governance import grants
from governance import staff as staff_services
from governance.audit import Actor
from governance.models import (
    AccessGrant,
    Alert,
    BreakGlass,
    Consent,
    Relationship,
    Scope,
    SharingAgreement,
)
from patients.models import Patient
from patients.nhs_number import check_digit
from practices.models import Clinician, Membership, Organisation, Site
from practices.roles import Role

_ods_numbers = itertools.count(10001)


def _valid_test_nhs_numbers():
    for serial in itertools.count(1):
        first_nine = f"999{serial:06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            yield first_nine + str(digit)


_nhs_numbers = _valid_test_nhs_numbers()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.GP_PRACTICE
    ods_code = factory.LazyFunction(lambda: f"P{next(_ods_numbers)}")


class PracticeFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Practice {n} Surgery")
    kind = Organisation.Kind.GP_PRACTICE


class HubFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Hub {n}")
    kind = Organisation.Kind.HUB
    ods_code = factory.LazyFunction(lambda: f"U{next(_ods_numbers)}")


class UrgentCareFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Emergency Department {n}")
    kind = Organisation.Kind.URGENT_CARE
    ods_code = factory.LazyFunction(lambda: f"R{next(_ods_numbers)}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    address_line_1 = "1 High Street"
    town = "Leeds"
    postcode = "LS1 4AP"


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician

    organisation = factory.SubFactory(PracticeFactory)
    given_name = "Alex"
    family_name = factory.Sequence(lambda n: f"Clinician{n}")
    job_role = Clinician.JobRole.GP


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"User{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.nhs.uk")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(PracticeFactory)
    role = Role.PRACTICE_RECEPTIONIST

    @classmethod
    def _create(cls, model_class, *, user, organisation, role, **kwargs):
        membership = staff_services.grant_membership(
            by=None, user=user, organisation=organisation, role=role
        )
        if kwargs:  # fields the service does not set, such as cis2_uid
            model_class.objects.filter(pk=membership.pk).update(**kwargs)
            membership.refresh_from_db()
        return membership


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    nhs_number = factory.LazyFunction(lambda: next(_nhs_numbers))
    given_name = "Pat"
    family_name = factory.Sequence(lambda n: f"Patient{n}")
    date_of_birth = datetime.date(1957, 3, 27)
    gender = Patient.Gender.FEMALE
    postcode = "LS6 2AB"
    registered_practice = factory.SubFactory(PracticeFactory)


def staff(organisation: Organisation, role: str, **user_fields) -> get_user_model():
    """A user working at `organisation` in `role`."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


# Governance ------------------------------------------------------------------------------


class SharingAgreementFactory(factory.django.DjangoModelFactory):
    """An active agreement, in date, proposed by the practice and accepted by the partner.
    `SharingAgreementFactory(proposed=True)` is one still waiting for the partner."""

    class Meta:
        model = SharingAgreement

    class Params:
        proposed = factory.Trait(
            status=SharingAgreement.Status.PROPOSED, decided_by=None, decided_at=None
        )

    practice = factory.SubFactory(PracticeFactory)
    partner = factory.SubFactory(HubFactory)
    scope = Scope.BOOKING
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=335))
    status = SharingAgreement.Status.ACTIVE
    proposed_by = factory.SubFactory(UserFactory)
    proposed_by_organisation = factory.SelfAttribute("practice")
    decided_by = factory.SubFactory(UserFactory)
    decided_at = factory.LazyFunction(timezone.now)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    patient = factory.SubFactory(PatientFactory)
    scope = Consent.Scope.SHARE_RECORD
    state = Consent.State.GIVEN
    method = Consent.Method.VERBAL
    recorded_by = factory.SubFactory(UserFactory)
    recorded_by_organisation = factory.SelfAttribute("patient.registered_practice")
    recorded_at = factory.LazyFunction(timezone.now)


class AccessGrantFactory(factory.django.DjangoModelFactory):
    """Honorary access made through the service, so the dated membership and its object
    permissions exist exactly as in the running system. Given by `granted_by`, or by a new
    IG lead at the organisation."""

    class Meta:
        model = AccessGrant

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(PracticeFactory)
    role = Role.PRACTICE_RECEPTIONIST
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    reason = "Locum cover for evening sessions"
    granted_by = None

    @classmethod
    def _create(cls, model_class, *, organisation, granted_by, **kwargs):
        granted_by = granted_by or staff(organisation, Role.IG_LEAD)
        membership = Membership.objects.get(user=granted_by, organisation=organisation)
        return grants.grant_access(by=Actor(user=granted_by, membership=membership), **kwargs)


class BreakGlassFactory(factory.django.DjangoModelFactory):
    """Break-glass by an A&E clinician, still open and waiting for review."""

    class Meta:
        model = BreakGlass

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(UrgentCareFactory)
    patient = factory.SubFactory(PatientFactory)
    reason_code = BreakGlass.Reason.EMERGENCY_CARE
    reason = "Unconscious in resus, no one to ask about medication."
    started_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda bg: bg.started_at + datetime.timedelta(minutes=60))


class RelationshipFactory(factory.django.DjangoModelFactory):
    """A care relationship claimed at an urgent-care service, waiting for review."""

    class Meta:
        model = Relationship

    organisation = factory.SubFactory(UrgentCareFactory)
    user = factory.SubFactory(UserFactory)
    patient = factory.SubFactory(PatientFactory)
    kind = Relationship.Kind.SELF_CLAIMED
    reason = "In front of me at the walk-in centre with chest pain."
    started_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda r: r.started_at + datetime.timedelta(hours=24))


class AlertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alert

    organisation = factory.SubFactory(PracticeFactory)
    kind = Alert.Kind.BREAK_GLASS
    message = "Break-glass access by Sam User of an emergency department needs review."
    reference = factory.LazyFunction(uuid.uuid4)
