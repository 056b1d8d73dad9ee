"""The sandbox's controls, for tests and people, under `/_`: `GET /_health`,
`GET|POST /_control` (faults: see `faults`), `POST /_reset`, `GET /_ledger[?practice=ODS]`
(every appointment), `GET /_requests` (recent GP Connect requests with their JWT claims),
`GET|POST /_practices` (name practices)."""

import json
import threading
from collections import deque
from datetime import date
from typing import Any

from .faults import Faults
from .store import SandboxStore
from .wsgi import Request, Response, plain_json


class RequestLog:
    """The most recent GP Connect requests, as `/_requests` shows them."""

    def __init__(self, size: int) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        """Log a request; the entry is filled in as the request goes on."""
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def answer_control(
    request: Request, *, store: SandboxStore, faults: Faults, log: RequestLog, today: date
) -> Response:
    key = (request.method, request.path.rstrip("/"))
    if key == ("GET", "/_health"):
        return plain_json(200, {"status": "ok"})
    if key == ("GET", "/_control"):
        return plain_json(200, faults.snapshot())
    if key == ("POST", "/_control"):
        try:
            body = json.loads(request.body or b"{}")
            if not isinstance(body, dict):
                raise ValueError("Send a JSON object.")
            return plain_json(200, faults.configure(body))
        except ValueError as exc:
            return plain_json(400, {"error": str(exc)})
    if key == ("POST", "/_reset"):
        store.reset()
        faults.reset()
        log.clear()
        return plain_json(200, {"status": "reset"})
    if key == ("GET", "/_ledger"):
        practice = (request.query.get("practice") or [None])[0]
        return plain_json(200, {"appointments": store.ledger(practice)})
    if key == ("GET", "/_requests"):
        return plain_json(200, {"requests": log.entries()})
    if key == ("GET", "/_practices"):
        return plain_json(200, {"practices": store.practices.listing()})
    if key == ("POST", "/_practices"):
        return _name_practices(request, store=store, today=today)
    return plain_json(404, {"error": f"No control {request.method} {request.path}."})


def _name_practices(request: Request, *, store: SandboxStore, today: date) -> Response:
    try:
        body = json.loads(request.body or b"{}")
        for practice in body["practices"]:
            store.practices.name(
                str(practice["ods"]).upper(),
                name=str(practice["name"]),
                phone=str(practice.get("phone", "")),
                today=today,
            )
    except (ValueError, KeyError, TypeError) as exc:
        return plain_json(400, {"error": f"Send {{'practices': [{{'ods', 'name'}}]}}: {exc!r}"})
    return plain_json(200, {"practices": store.practices.listing()})
