"""The notifications tests' fixtures."""

import threading
from http.server import ThreadingHTTPServer

import pytest

from tests.notifications.notify_stand_in import (
    SECRET,
    SERVICE_ID,
    SMS_ID,
    TEMPLATE_ID,
    NotifyStandIn,
)


@pytest.fixture
def notify(settings):
    """GOV.UK Notify's API stand-in on a free local port, the Notify backend's settings
    pointing at it."""
    stand_in = NotifyStandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), stand_in.handler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.NOTIFY_API_KEY = f"hubdiary_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_TEMPLATE_IDS = {"review-due": TEMPLATE_ID, "appointment-reminder:sms": SMS_ID}
    yield stand_in
    server.shutdown()
    server.server_close()
