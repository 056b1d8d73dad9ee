"""A stand-in for GOV.UK Notify's API: it checks the signed token Notify requires, answers
sends as Notify does, and answers each message's status as the test sets it in `statuses`
(a status word, or an HTTP error code)."""

import json
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import jwt

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
TEMPLATE_ID = str(uuid.uuid4())
SMS_ID = str(uuid.uuid4())


@dataclass
class NotifyStandIn:
    received: list[dict] = field(default_factory=list)
    statuses: dict[str, str | int] = field(default_factory=dict)

    @property
    def paths(self) -> list[str]:
        return [request["path"] for request in self.received]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _signed(self) -> dict:
                token = self.headers["Authorization"].removeprefix("Bearer ")
                return jwt.decode(token, SECRET, algorithms=["HS256"])

            def _answer(self, code: int, body: dict) -> None:
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(body).encode())

            def do_POST(self):
                claims = self._signed()
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stand_in.received.append({"path": self.path, "issuer": claims["iss"], "body": body})
                self._answer(201, {"id": "notify-id-1", "reference": body.get("reference")})

            def do_GET(self):
                self._signed()
                stand_in.received.append({"path": self.path})
                notify_id = self.path.rsplit("/", 1)[-1]
                status = stand_in.statuses.get(notify_id, "delivered")
                if isinstance(status, int):
                    errors = [{"error": "NoResultFound", "message": "No result found"}]
                    self._answer(status, {"status_code": status, "errors": errors})
                else:
                    self._answer(200, {"id": notify_id, "status": status, "type": "email"})

            def log_message(self, *args):
                pass

        return Handler
