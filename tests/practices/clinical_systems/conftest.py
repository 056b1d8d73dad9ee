import pytest

from practices.clinical_systems.gpconnect.operations import GPConnectClient
from practices.clinical_systems.gpconnect.transport import POOLS, Timeouts
from tests.gpconnect.sandbox.harness import running_sandbox


@pytest.fixture(autouse=True)
def _fresh_connection_pools():
    """Each test starts with no pooled connections, and leaves none open."""
    yield
    POOLS.close()


@pytest.fixture
def sandbox():
    with running_sandbox() as running:
        yield running


@pytest.fixture
def client(sandbox):
    return GPConnectClient(sandbox.url, timeouts=Timeouts(connect=1, read=1), clock=sandbox.clock)
