"""The GOV.UK Notify backend over real HTTP, against a local server that answers as Notify's
email endpoint does and checks the signed token Notify requires."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

from notifications.backends import NotifyBackend

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
TEMPLATE_ID = str(uuid.uuid4())


@pytest.fixture
def notify(settings):
    """A Notify stand-in on a free port; what it was sent is in `received`."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            token = self.headers["Authorization"].removeprefix("Bearer ")
            claims = jwt.decode(token, SECRET, algorithms=["HS256"])
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append({"path": self.path, "issuer": claims["iss"], "body": body})
            answer = json.dumps({"id": "notify-id-1", "reference": body.get("reference")})
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(answer.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.NOTIFY_API_KEY = f"hubdiary_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_TEMPLATE_IDS = {"review-due": TEMPLATE_ID}
    yield received
    server.shutdown()
    server.server_close()


def test_email_goes_to_notify_signed_with_the_services_key(notify):
    reference = NotifyBackend().send_email(
        to="key.worker@example.nhs.uk",
        template="review-due",
        personalisation={"plan": "care plan", "due": "1 May 2027", "link": "https://x/"},
        reference="review:abc:1",
    )
    assert reference == "notify-id-1"
    [request] = notify
    assert request["path"] == "/v2/notifications/email"
    assert request["issuer"] == SERVICE_ID
    assert request["body"] == {
        "email_address": "key.worker@example.nhs.uk",
        "template_id": TEMPLATE_ID,
        "personalisation": {"plan": "care plan", "due": "1 May 2027", "link": "https://x/"},
        "reference": "review:abc:1",
    }


def test_a_template_without_a_notify_id_fails_loudly(notify):
    with pytest.raises(KeyError):
        NotifyBackend().send_email(
            to="a@example.nhs.uk", template="task-assigned", personalisation={}, reference="r"
        )
    assert notify == []
