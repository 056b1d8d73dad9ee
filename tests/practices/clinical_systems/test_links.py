"""From a practice's link to its adapter."""

import pytest

from practices.clinical_systems.gpconnect.operations import GPConnectClient
from practices.clinical_systems.links import clinical_system_for
from practices.models import ClinicalSystemLink
from tests.gpconnect.sandbox.harness import PRACTICE
from tests.practices.clinical_systems.builders import HUB_RECEPTIONIST, today


def test_a_gp_connect_link_gets_an_adapter_on_the_pooled_connection(sandbox):
    link = ClinicalSystemLink(kind=ClinicalSystemLink.Kind.GP_CONNECT, base_url=sandbox.url)
    before = sandbox.server.connections_accepted

    for _ in range(2):  # as write-back does: an adapter per delivery
        system = clinical_system_for(link)
        system.search_free_slots(
            requester=HUB_RECEPTIONIST,
            practice_ods=PRACTICE,
            start=today(sandbox),
            end=today(sandbox),
        )

    assert isinstance(system, GPConnectClient)
    assert sandbox.server.connections_accepted - before == 1


def test_a_link_of_another_kind_has_no_adapter():
    with pytest.raises(ValueError, match="No adapter"):
        clinical_system_for(ClinicalSystemLink(kind="tpp-spine", base_url="http://x"))
