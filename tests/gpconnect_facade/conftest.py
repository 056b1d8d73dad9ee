from tests.gpconnect.provider.conftest import (  # noqa: F401
    facade,
    hub_for_consumer,
    registered_consumer,
)
