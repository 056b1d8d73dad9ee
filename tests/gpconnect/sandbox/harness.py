"""Run the GP Connect sandbox in a background thread and talk to it, for tests."""

import http.client
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from gpconnect import codes
from gpconnect.jwt import (
    RequestingDevice,
    RequestingOrganisation,
    RequestingPractitioner,
    build_claims,
    encode_unsigned,
)
from gpconnect.rest import Interaction, service_root
from gpconnect.sandbox.app import SandboxApp
from gpconnect.sandbox.faults import Faults
from gpconnect.sandbox.practices import SeedPlan
from gpconnect.sandbox.server import SandboxServer, serve_in_thread
from gpconnect.sandbox.store import SandboxStore

PRACTICE = "A10001"


@dataclass
class Clock:
    """The real time, moved on by `offset` (to make today's appointments the past)."""

    offset: timedelta = field(default_factory=timedelta)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


@dataclass
class RunningSandbox:
    url: str
    app: SandboxApp
    store: SandboxStore
    clock: Clock
    server: SandboxServer

    def root(self, ods: str = PRACTICE) -> str:
        return service_root(self.url, ods)

    def call(
        self,
        method: str,
        path: str,
        *,
        query: list[tuple[str, str]] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        timeout: float = 5,
    ) -> Answer:
        """One plain HTTP request (no GP Connect headers unless given)."""
        url = urlsplit(self.url)
        target = path + (f"?{urlencode(query)}" if query else "")
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        try:
            payload = (
                None
                if body is None
                else body
                if isinstance(body, bytes)
                else json.dumps(body).encode()
            )
            connection.request(method, target, body=payload, headers=headers or {})
            response = connection.getresponse()
            raw = response.read()
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = raw.decode()
            return Answer(response.status, dict(response.getheaders()), parsed)
        finally:
            connection.close()

    def gpconnect(
        self,
        interaction: Interaction,
        method: str,
        path: str,
        *,
        ods: str = PRACTICE,
        claims: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Answer:
        """A GP Connect request with good headers and JWT unless told otherwise."""
        claims = claims if claims is not None else good_claims(interaction, now=self.clock())
        sent = {
            "Ssp-TraceID": str(uuid.uuid4()),
            "Ssp-InteractionID": interaction.interaction_id,
            "Authorization": f"Bearer {encode_unsigned(claims)}",
            "Content-Type": "application/fhir+json",
            **(headers or {}),
        }
        return self.call(method, f"/{ods}/STU3/1/gpconnect{path}", headers=sent, **kwargs)

    def control(self, **changes: Any) -> dict[str, Any]:
        answer = self.call("POST", "/_control", body=changes)
        assert answer.status == 200, answer.body
        return answer.body

    def ledger(self, practice: str | None = None) -> list[dict[str, Any]]:
        query = [("practice", practice)] if practice else None
        return self.call("GET", "/_ledger", query=query).body["appointments"]

    def requests(self, interaction: str | None = None) -> list[dict[str, Any]]:
        found = self.call("GET", "/_requests").body["requests"]
        return [r for r in found if interaction is None or r["interaction"] == interaction]


def good_claims(
    interaction: Interaction,
    *,
    now: datetime,
    organisation: tuple[str, str] = ("U30003", "Aire Valley Hub"),
    user: tuple[str, str] = ("user-42", "Ada Lovelace"),
) -> dict[str, Any]:
    return build_claims(
        issuer="https://hub-diary.example",
        audience="http://sandbox/A10001/STU3/1/gpconnect",
        scope=interaction.scope,
        device=RequestingDevice(
            id="tests",
            identifier_system=codes.SYSTEM_HUB_DIARY_DEVICE,
            identifier_value="tests",
            model="Hub Diary tests",
            version="1",
        ),
        organisation=RequestingOrganisation(*organisation),
        practitioner=RequestingPractitioner.from_display_name(id=user[0], name=user[1]),
        now=now,
    )


@contextmanager
def running_sandbox(
    *, path: str = ":memory:", plan: SeedPlan | None = None, store: SandboxStore | None = None
) -> Iterator[RunningSandbox]:
    clock = Clock()
    owned = store is None
    store = store or SandboxStore(path, plan=plan)
    stop = threading.Event()
    app = SandboxApp(store, Faults(), clock=clock, stop=stop)
    try:
        with serve_in_thread(app, stop=stop) as server:
            yield RunningSandbox(url=server.url, app=app, store=store, clock=clock, server=server)
    finally:
        if owned:
            store.close()
