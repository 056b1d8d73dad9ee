"""Where practices are: a service root per practice, or one host for many."""

from datetime import timedelta

import pytest

from practices.clinical_systems.base import (
    Rejected,
)
from practices.clinical_systems.gpconnect.endpoints import PracticeEndpoint
from practices.clinical_systems.gpconnect.operations import GPConnectClient
from tests.gpconnect.sandbox.harness import PRACTICE
from tests.practices.clinical_systems.builders import (
    HUB_RECEPTIONIST,
    today,
)


def test_endpoints_map_each_practice_to_its_own_service_root(sandbox):
    client = GPConnectClient(
        endpoints={
            PRACTICE: PracticeEndpoint(sandbox.root(PRACTICE), asid="200000000001"),
            "B20002": sandbox.root("B20002"),
        },
        clock=sandbox.clock,
    )
    start = today(sandbox) + timedelta(days=1)

    for ods in (PRACTICE, "B20002"):
        slots = client.search_free_slots(
            requester=HUB_RECEPTIONIST, practice_ods=ods, start=start, end=start
        )
        assert all(s.external_id.startswith(ods) for s in slots)
    with pytest.raises(Rejected, match="No GP Connect endpoint"):
        client.search_free_slots(
            requester=HUB_RECEPTIONIST, practice_ods="C30003", start=start, end=start
        )
