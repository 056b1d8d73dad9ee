"""The sandbox's WSGI app: GP Connect Appointment Management for any practice, on demand.

GP Connect, per practice, under `/<ODS>/STU3/1/gpconnect` (the interactions: see
`interactions`; the rules: `gpconnect.rest` and `rules`). Each request needs Ssp-TraceID,
the matching Ssp-InteractionID and a valid audit JWT (400 BAD_REQUEST otherwise); every
answer says `Cache-Control: no-store`. Before carrying a request out the app adds the
configured latency and may misbehave instead (`faults`).

For people and tests: `GET /` (the practices), `GET /<ODS>` (a practice's appointment book,
refreshing itself: `pages`), and the controls under `/_` (`control`).
"""

import re
import threading
import traceback
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from gpconnect.errors import GPConnectError, SpineError, operation_outcome, transient_outcome
from gpconnect.jwt import InvalidToken, read_bearer_token
from gpconnect.rest import Interaction
from gpconnect.times import london_date

from . import interactions, pages
from .appointments import Requester
from .control import RequestLog, answer_control
from .faults import Fault, Faults
from .server import DropConnection
from .store import SandboxStore
from .wsgi import Request, Response, fhir, html

_API = re.compile(r"^/(?P<ods>[A-Za-z0-9]{3,10})/STU3/1/gpconnect(?P<rest>/.*)?$")
_BOOK_PAGE = re.compile(r"^/(?P<ods>[A-Za-z0-9]{3,10})/?$")


def _now() -> datetime:
    return datetime.now(UTC)


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
        interaction, params = interactions.resolve(request, rest)
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
        fault = self.faults.pick(interaction)
        if fault is not None:
            entry["fault"] = fault.kind
            return self._misbehave(fault, request, ods, interaction, params, entry)
        try:
            response = self._carry_out(request, ods, interaction, params, entry)
        except GPConnectError as error:
            entry["status"], entry["error"] = error.http_status, str(error)
            raise
        entry["status"] = response.status
        return response

    def _misbehave(
        self,
        fault: Fault,
        request: Request,
        ods: str,
        interaction: Interaction,
        params: dict[str, str],
        entry: dict[str, Any],
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
            try:
                entry["status"] = self._carry_out(request, ods, interaction, params, entry).status
            except GPConnectError as error:
                entry["status"], entry["error"] = error.http_status, str(error)
        if fault.kind == "timeout":
            self.stop.wait(fault.hang_ms / 1000)
        raise DropConnection

    def _carry_out(
        self,
        request: Request,
        ods: str,
        interaction: Interaction,
        params: dict[str, str],
        entry: dict[str, Any],
    ) -> Response:
        """Check the Spine headers and the audit JWT, then do what was asked."""
        now = self.clock()
        if not request.headers.get("ssp-traceid"):
            raise GPConnectError(SpineError.BAD_REQUEST, "The Ssp-TraceID header is missing.")
        if request.headers.get("ssp-interactionid") != interaction.interaction_id:
            raise GPConnectError(
                SpineError.BAD_REQUEST,
                f"Ssp-InteractionID must be {interaction.interaction_id} for this request.",
            )
        try:
            claims = read_bearer_token(
                request.headers.get("authorization"), now=now, scopes={interaction.scope}
            )
        except InvalidToken as exc:
            raise GPConnectError(SpineError.BAD_REQUEST, str(exc)) from exc
        entry["claims"] = dict(claims.raw)
        requester = Requester(
            organisation_ods=claims.organisation_ods,
            organisation_name=claims.organisation_name,
            practitioner_id=claims.practitioner_id,
            practitioner_name=claims.practitioner_name,
        )
        call = interactions.Call(
            request=request,
            ods=ods,
            params=params,
            requester=requester,
            now=now,
            store=self.store,
            faults=self.faults,
        )
        return interactions.carry_out(interaction, call)
