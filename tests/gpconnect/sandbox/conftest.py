import pytest

from tests.gpconnect.sandbox.harness import running_sandbox


@pytest.fixture
def sandbox():
    """A sandbox serving from a thread, with its own empty books in memory."""
    with running_sandbox() as running:
        yield running
