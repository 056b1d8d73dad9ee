import pytest

from governance.models import Scope
from practices.models import Organisation
from practices.roles import Role
from tests.caretracker.builders import enrolment_at, escalation_plan_for
from tests.factories import OrganisationFactory, staff
from tests.governance.helpers import agreement


@pytest.fixture
def care_home(db):
    return OrganisationFactory(kind=Organisation.Kind.CARE_HOME, name="Beechwood Care Home")


@pytest.fixture
def resident(practice_a, care_home):
    """A patient of practice A living at the care home, enrolled with consent, with an
    escalation plan; the care home is on the team."""
    enrolment = enrolment_at(practice_a, care_home=care_home, team=((care_home, "care-home"),))
    escalation_plan_for(enrolment)
    return enrolment


@pytest.fixture
def ae_shares_care_tracker(practice_a, ae_department, practice_manager_a):
    """Practice A shares with A&E for booking and for the care tracker."""
    agreement(practice_a, ae_department, Scope.BOOKING, by=practice_manager_a)
    agreement(practice_a, ae_department, Scope.CARE_TRACKER, by=practice_manager_a)


@pytest.fixture
def care_home_staff(care_home):
    return staff(care_home, Role.CARE_HOME_STAFF)
