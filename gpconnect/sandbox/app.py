"""The sandbox's WSGI app: GP Connect Appointment Management for any practice, on demand.

GP Connect, per practice, under `/<ODS>/STU3/1/gpconnect`: the provider core
(`gpconnect.provider`, shared with the hub's own GP Connect facade) over the sandbox's
state (`backend`). Before carrying a request out the app adds the configured latency and
may misbehave instead (`faults`).

For people and tests: `GET /` (the practices), `GET /<ODS>` (a practice's appointment book,
refreshing itself: `pages`), and the controls under `/_` (`control`).
"""

import contextlib
import re
import threading
import traceback
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from gpconnect.errors import GPConnectError, SpineError, operation_outcome, transient_outcome
from gpconnect.provider.capability import Software
from gpconnect.provider.core import (
    APPOINTMENT_INTERACTIONS,
    Provider,
    ProviderRequest,
    ProviderResponse,
)
from gpconnect.rest import FHIR_JSON_UTF8, Interaction, service_root
from gpconnect.times import london_date

from . import pages
from .backend import SandboxBackend
from .control import RequestLog, answer_control
from .faults import Fault, Faults
from .server import DropConnection
from .store import SandboxStore
from .wsgi import Request, Response, fhir, html

_API = re.compile(r"^/(?P<ods>[A-Za-z0-9]{3,10})/STU3/1/gpconnect(?P<rest>/.*)?$")
_BOOK_PAGE = re.compile(r"^/(?P<ods>[A-Za-z0-9]{3,10})/?$")


def _now() -> datetime:
    return datetime.now(UTC)


SOFTWARE = Software(
    name="Hub Diary GP Connect sandbox",
    version="1",
    release_date="2026-12-04",
    publisher="Hub Diary",
)
SANDBOX_INTERACTIONS = APPOINTMENT_INTERACTIONS | {
    Interaction.READ_PATIENT,
    Interaction.REGISTER_PATIENT,
}


class SandboxApp:
    """A WSGI app standing in for practices' clinical systems."""

    def __init__(
        self,
        store: SandboxStore,
        faults: Faults | None = None,
        *,
        clock: Callable[[], datetime] = _now,
        stop: threading.Event | None = None,
        request_log_size: int = 2000,
    ) -> None:
        self.store = store
        self.faults = faults or Faults()
        self.clock = clock
        # Hanging requests wait on this, so stopping the server wakes them.
        self.stop = stop or threading.Event()
        self.requests = RequestLog(request_log_size)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        try:
            response = self._route(request)
        except DropConnection:
            raise
        except GPConnectError as error:
            response = fhir(error.http_status, error.to_operation_outcome())
        except Exception as exc:  # a bug in the sandbox: answer as a provider would
            traceback.print_exc(file=environ.get("wsgi.errors"))
            response = fhir(
                500, operation_outcome(SpineError.INTERNAL_SERVER_ERROR, f"Sandbox error: {exc!r}")
            )
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Cache-Control", "no-store"),
            *response.headers,
        ]
        start_response(response.status_line(), headers)
        return [response.body]

    def _route(self, request: Request) -> Response:
        if request.path.startswith("/_"):
            return answer_control(
                request,
                store=self.store,
                faults=self.faults,
                log=self.requests,
                today=london_date(self.clock()),
            )
        if request.path == "/":
            return html(200, pages.index_page(self.store))
        api = _API.match(request.path)
        if api:
            return self._api(request, api["ods"].upper(), api["rest"] or "/")
        page = _BOOK_PAGE.match(request.path)
        if page and request.method == "GET":
            return html(200, pages.book_page(self.store, page["ods"].upper(), now=self.clock()))
        return html(404, "<h1>Not found</h1>")

    def _api(self, request: Request, ods: str, rest: str) -> Response:
        backend = SandboxBackend(self.store, self.faults, ods)
        provider = Provider(
            backend,
            software=SOFTWARE,
            description=f"The GP Connect sandbox's stand-in for practice {ods}.",
            interactions=SANDBOX_INTERACTIONS,
            patient_records=backend,
        )
        asked = ProviderRequest(
            method=request.method,
            path=rest,
            query=request.query,
            headers=request.headers,
            body=request.body,
            service_root=service_root(f"http://{request.host}", ods),
        )
        interaction, params = provider.resolve(asked)
        entry: dict[str, Any] = {
            "at": self.clock().isoformat(timespec="milliseconds"),
            "practice": ods,
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "interaction": interaction.name.lower(),
            "trace_id": request.headers.get("ssp-traceid", ""),
            "status": None,
            "fault": None,
            "claims": None,
            "error": "",
        }
        self.requests.add(entry)
        latency = self.faults.latency_seconds
        if latency:
            self.stop.wait(latency)

        def carry_out() -> Response:
            try:
                answered = provider.carry_out(asked, interaction, params, now=self.clock())
            except GPConnectError as error:
                entry["status"], entry["error"] = error.http_status, str(error)
                entry["claims"] = backend.claims
                raise
            entry["status"], entry["claims"] = answered.status, backend.claims
            return _written(answered)

        fault = self.faults.pick(interaction)
        if fault is None:
            return carry_out()
        entry["fault"] = fault.kind
        return self._misbehave(fault, carry_out, entry)

    def _misbehave(
        self, fault: Fault, carry_out: Callable[[], Response], entry: dict[str, Any]
    ) -> Response:
        if fault.kind == "error":
            entry["status"] = fault.status
            if fault.status == 500:
                outcome = operation_outcome(
                    SpineError.INTERNAL_SERVER_ERROR, "The practice system failed (sandbox fault)."
                )
            else:
                outcome = transient_outcome("The practice system is unavailable (sandbox fault).")
            return fhir(fault.status, outcome)
        if fault.kind == "commit_then_drop" or (fault.kind == "timeout" and fault.commits):
            with contextlib.suppress(GPConnectError):  # recorded in the request log
                carry_out()
        if fault.kind == "timeout":
            self.stop.wait(fault.hang_ms / 1000)
        raise DropConnection


def _written(answered: ProviderResponse) -> Response:
    headers = [(k, v) for k, v in answered.all_headers() if k not in _SET_BY_THE_APP]
    return Response(answered.status, answered.body, FHIR_JSON_UTF8, headers)


_SET_BY_THE_APP = {"Content-Type", "Cache-Control"}
