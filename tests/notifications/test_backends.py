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
SMS_ID = str(uuid.uuid4())


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

        def do_GET(self):
            token = self.headers["Authorization"].removeprefix("Bearer ")
            jwt.decode(token, SECRET, algorithms=["HS256"])
            received.append({"path": self.path})
            answer = json.dumps({"id": self.path.rsplit("/", 1)[-1], "status": "delivered"})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(answer.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.NOTIFY_API_KEY = f"hubdiary_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_TEMPLATE_IDS = {"review-due": TEMPLATE_ID, "appointment-reminder:sms": SMS_ID}
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


def test_a_text_goes_to_notify_with_the_text_templates_id(notify):
    NotifyBackend().send_sms(
        to="+447700900123",
        template="appointment-reminder",
        personalisation={"when": "Monday 7 December at 6:30pm", "place": "X", "phone": "0"},
        reference="booking:1:reminder:sms",
    )
    [request] = notify
    assert request["path"] == "/v2/notifications/sms"
    assert request["body"]["phone_number"] == "+447700900123"
    assert request["body"]["template_id"] == SMS_ID


def test_the_job_asks_notify_how_sent_messages_went(notify, settings, db):
    import datetime

    from django.utils import timezone

    from notifications.models import Message
    from notifications.services import check_delivery

    settings.NOTIFICATIONS_BACKEND = "notifications.backends.NotifyBackend"
    sent = timezone.now() - datetime.timedelta(minutes=5)
    message = Message.objects.create(
        key="k",
        to="a@example.com",
        template="review-due",
        status=Message.Status.SENT,
        reference="notify-id-7",
        sent_at=sent,
    )
    fresh = Message.objects.create(
        key="k2",
        to="b@example.com",
        template="review-due",
        status=Message.Status.SENT,
        reference="notify-id-8",
        sent_at=timezone.now(),
    )
    assert check_delivery() == 1
    message.refresh_from_db()
    fresh.refresh_from_db()
    assert (message.status, message.delivery_status) == (Message.Status.DELIVERED, "delivered")
    assert fresh.status == Message.Status.SENT  # too soon to ask
    assert [r["path"] for r in notify] == ["/v2/notifications/notify-id-7"]
