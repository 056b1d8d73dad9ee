"""factory-boy factories for the domain. Memberships go through the service, so object
permissions are assigned exactly as in the running system."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from governance.roles import Role
from patients.models import Patient
from patients.nhs_number import check_digit
from practices import services
from practices.models import Clinician, Membership, Organisation, Site

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
        return services.grant_membership(by=None, user=user, organisation=organisation, role=role)


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
