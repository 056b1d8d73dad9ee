import pytest

from booking.models import Audience
from booking.services.sessions import RuleSpec
from governance.audit import Actor
from governance.models import Scope
from gpconnect_facade.consumers import register_consumer
from tests.factories import PatientFactory
from tests.governance.helpers import agreement
from tests.gpconnect.provider.hosts import FacadeHost, SandboxHost
from tests.gpconnect.sandbox.harness import running_sandbox

URGENT_CARE_NOW = RuleSpec(audience=Audience.URGENT_CARE)


@pytest.fixture
def hub_for_consumer(hub, practice_a, practice_manager_a, ae_department, publish):
    """Practice A, a member of the hub, shares booking with the A&E department and has an
    evening session tomorrow released to urgent care; Olive is its patient."""
    agreement(practice_a, ae_department, Scope.BOOKING, by=practice_manager_a)
    publish(days_ahead=1, rules=(URGENT_CARE_NOW,))
    return PatientFactory(
        registered_practice=practice_a,
        nhs_number="9434765919",
        given_name="Olive",
        family_name="Oyelaran",
    )


@pytest.fixture
def registered_consumer(ae_department):
    return register_consumer(
        by=Actor.system(), organisation=ae_department, name="Emergency department system"
    )


@pytest.fixture
def facade(client, hub, hub_for_consumer, registered_consumer):
    return FacadeHost(
        client,
        hub_ods=hub.ods_code,
        consumer=registered_consumer.consumer,
        private_key_pem=registered_consumer.private_key_pem,
        patient=hub_for_consumer,
    )


@pytest.fixture(params=["sandbox", "hub facade"])
def host(request, db):
    """Each test of the provider core runs against both its hosts."""
    if request.param == "sandbox":
        with running_sandbox() as sandbox:
            yield SandboxHost(sandbox)
    else:
        yield request.getfixturevalue("facade")
