"""The sandbox's WSGI app: GP Connect Appointment Management for any practice, on demand.

GP Connect, per practice, under `/<ODS>/STU3/1/gpconnect` (rules: see `gpconnect.rest` and
`store`):

    GET  /Slot?start=ge..&end=le..&status=free&_include=Slot:schedule...  search free slots
    POST /Appointment                                                     book
    GET  /Patient/<id>/Appointment?start=ge<date>&start=le<date>           retrieve
    GET  /Appointment/<id>                                                read
    PUT  /Appointment/<id>  (If-Match; Ssp-InteractionID says amend or cancel)
    GET  /Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|<n>        find a patient
    GET  /Patient/<id>                                                    read a patient
    POST /Patient/$gpc.registerpatient                                    register (temporary)

Each request needs Ssp-TraceID, the matching Ssp-InteractionID and a valid audit JWT
(400 BAD_REQUEST otherwise); every answer says `Cache-Control: no-store`.

For people and tests: `GET /` (the practices), `GET /<ODS>` (a practice's appointment book,
refreshing itself), `GET /_ledger[?practice=ODS]` (every appointment, JSON),
`GET /_requests` (recent GP Connect requests with their JWT claims), `GET|POST /_control`
(faults: see `faults`), `GET|POST /_practices` (name practices), `POST /_reset`,
`GET /_health`.
"""

import html
import json
import re
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from gpconnect.errors import (
    GPConnectError,
    SpineError,
    operation_outcome,
    transient_outcome,
)
from gpconnect.jwt import InvalidToken, read_bearer_token
from gpconnect.resources import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    Appointment,
    parse_registration,
    searchset,
)
from gpconnect.rest import (
    FHIR_JSON_UTF8,
    Interaction,
    etag,
    parse_appointment_search,
    parse_patient_search,
    parse_slot_search,
    version_from_etag,
)
from gpconnect.times import LONDON, london_date, london_day_start

from .faults import Fault, Faults
from .server import DropConnection
from .store import Requester, SandboxStore

_API = re.compile(r"^/(?P<ods>[A-Za-z0-9]{3,10})/STU3/1/gpconnect(?P<rest>/.*)?$")
_BOOK_PAGE = re.compile(r"^/(?P<ods>[A-Za-z0-9]{3,10})/?$")
_ROUTES: tuple[tuple[str, re.Pattern[str], tuple[Interaction, ...]], ...] = (
    ("GET", re.compile(r"^/Slot$"), (Interaction.SEARCH_FREE_SLOTS,)),
    ("POST", re.compile(r"^/Appointment$"), (Interaction.BOOK_APPOINTMENT,)),
    (
        "GET",
        re.compile(r"^/Appointment/(?P<id>[A-Za-z0-9\-.]{1,64})$"),
        (Interaction.READ_APPOINTMENT,),
    ),
    (
        "PUT",
        re.compile(r"^/Appointment/(?P<id>[A-Za-z0-9\-.]{1,64})$"),
        (Interaction.AMEND_APPOINTMENT, Interaction.CANCEL_APPOINTMENT),
    ),
    (
        "GET",
        re.compile(r"^/Patient/(?P<id>[A-Za-z0-9\-.]{1,64})/Appointment$"),
        (Interaction.RETRIEVE_APPOINTMENTS,),
    ),
    ("GET", re.compile(r"^/Patient$"), (Interaction.FIND_PATIENT,)),
    ("POST", re.compile(r"^/Patient/\$gpc\.registerpatient$"), (Interaction.REGISTER_PATIENT,)),
    ("GET", re.compile(r"^/Patient/(?P<id>[A-Za-z0-9\-.]{1,64})$"), (Interaction.READ_PATIENT,)),
)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    host: str

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> "_Request":
        headers = {
            key[5:].replace("_", "-").lower(): str(value)
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        return cls(
            method=environ["REQUEST_METHOD"].upper(),
            path=environ.get("PATH_INFO") or "/",
            query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
            headers=headers,
            body=body,
            host=headers.get("host") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}",
        )

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError as exc:
            raise GPConnectError(SpineError.BAD_REQUEST, "The body is not JSON.") from exc


@dataclass
class _Response:
    status: int
    body: bytes
    content_type: str
    headers: list[tuple[str, str]] = field(default_factory=list)


_REASONS = {
    200: "OK",
    201: "Created",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    412: "Precondition Failed",
    422: "Unprocessable Entity",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def _fhir(status: int, resource: Mapping[str, Any], *headers: tuple[str, str]) -> _Response:
    return _Response(status, json.dumps(resource).encode(), FHIR_JSON_UTF8, list(headers))


def _json(status: int, data: Any) -> _Response:
    return _Response(status, json.dumps(data, indent=1).encode(), "application/json")


def _html(status: int, page: str) -> _Response:
    return _Response(status, page.encode(), "text/html; charset=utf-8")


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
        self._requests: deque[dict[str, Any]] = deque(maxlen=request_log_size)
        self._requests_lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = _Request.from_environ(environ)
        try:
            response = self._route(request)
        except DropConnection:
            raise
        except GPConnectError as error:
            response = _fhir(error.http_status, error.to_operation_outcome())
        except Exception as exc:  # a bug in the sandbox: answer as a provider would
            traceback.print_exc(file=environ.get("wsgi.errors"))
            response = _fhir(
                500, operation_outcome(SpineError.INTERNAL_SERVER_ERROR, f"Sandbox error: {exc!r}")
            )
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Cache-Control", "no-store"),
            *response.headers,
        ]
        start_response(f"{response.status} {_REASONS.get(response.status, 'Error')}", headers)
        return [response.body]

    def _route(self, request: _Request) -> _Response:
        if request.path.startswith("/_"):
            return self._control(request)
        if request.path == "/":
            return _html(200, self._index_page())
        api = _API.match(request.path)
        if api:
            return self._api(request, api["ods"].upper(), api["rest"] or "/")
        page = _BOOK_PAGE.match(request.path)
        if page and request.method == "GET":
            return _html(200, self._book_page(page["ods"].upper()))
        return _html(404, "<h1>Not found</h1>")

    # GP Connect ---------------------------------------------------------------------------

    def _api(self, request: _Request, ods: str, rest: str) -> _Response:
        interaction, params = self._resolve(request, rest)
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
        with self._requests_lock:
            self._requests.append(entry)
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

    def _resolve(self, request: _Request, rest: str) -> tuple[Interaction, dict[str, str]]:
        allowed = []
        for method, pattern, interactions in _ROUTES:
            match = pattern.match(rest)
            if not match:
                continue
            if method != request.method:
                allowed.append(method)
                continue
            if len(interactions) == 1:
                return interactions[0], match.groupdict()
            named = Interaction.from_id(request.headers.get("ssp-interactionid", ""))
            return (named if named in interactions else interactions[0]), match.groupdict()
        if allowed:
            raise GPConnectError(
                SpineError.BAD_REQUEST,
                f"{request.method} is not allowed here: use {', '.join(allowed)}.",
                http_status=405,
            )
        raise GPConnectError(SpineError.NOT_IMPLEMENTED, f"The sandbox has no {rest}.")

    def _misbehave(
        self,
        fault: Fault,
        request: _Request,
        ods: str,
        interaction: Interaction,
        params: dict[str, str],
        entry: dict[str, Any],
    ) -> _Response:
        if fault.kind == "error":
            entry["status"] = fault.status
            if fault.status == 500:
                outcome = operation_outcome(
                    SpineError.INTERNAL_SERVER_ERROR, "The practice system failed (sandbox fault)."
                )
            else:
                outcome = transient_outcome("The practice system is unavailable (sandbox fault).")
            return _fhir(fault.status, outcome)
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
        request: _Request,
        ods: str,
        interaction: Interaction,
        params: dict[str, str],
        entry: dict[str, Any],
    ) -> _Response:
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
        self.store.ensure_practice(ods, today=london_date(now))
        handler = getattr(self, f"_{interaction.name.lower()}")
        return handler(request, ods, params, requester, now)

    def _search_free_slots(
        self,
        request: _Request,
        ods: str,
        params: dict[str, str],
        requester: Requester,
        now: datetime,
    ) -> _Response:
        search = parse_slot_search(request.query)
        found = self.store.free_slots(ods, earliest=search.earliest, latest=search.latest)
        resources: list[dict[str, Any]] = [slot.to_fhir(version="1") for slot in found.slots]
        resources += [schedule.to_fhir(version="1") for schedule in found.schedules.values()]
        if search.include_practitioners:
            resources += [p.to_fhir(version="1") for p in found.practitioners.values()]
        if search.include_locations:
            resources += [location.to_fhir(version="1") for location in found.locations.values()]
        if found.organization is not None and search.include_organizations:
            resources.append(found.organization.to_fhir(version="1"))
        return _fhir(200, searchset(resources))

    def _book_appointment(
        self,
        request: _Request,
        ods: str,
        params: dict[str, str],
        requester: Requester,
        now: datetime,
    ) -> _Response:
        body = request.json()
        if isinstance(body, dict) and "reason" in body:
            raise GPConnectError(SpineError.INVALID_RESOURCE, "Appointment.reason is not allowed.")
        if isinstance(body, dict) and body.get("id"):
            raise GPConnectError(SpineError.INVALID_RESOURCE, "A new appointment has no id yet.")
        appointment = Appointment.from_fhir(body)
        _check_new(appointment)
        fills = self.faults.take_fills(appointment.slot_ids)
        booked = self.store.book(
            ods, appointment, requester=requester, now=now, practice_fills=fills
        )
        location = f"http://{request.host}/{ods}/STU3/1/gpconnect/Appointment/{booked.id}"
        return _fhir(
            201,
            booked.to_fhir(),
            ("ETag", etag(booked.version)),
            ("Location", f"{location}/_history/{booked.version}"),
        )

    def _read_appointment(
        self,
        request: _Request,
        ods: str,
        params: dict[str, str],
        requester: Requester,
        now: datetime,
    ) -> _Response:
        appointment = self.store.read(ods, params["id"])
        if self.faults.take_practice_edit(appointment.id):
            self.store.edit_at_the_practice(ods, appointment.id, now=now)
        return _fhir(200, appointment.to_fhir(), ("ETag", etag(appointment.version)))

    def _update(
        self,
        request: _Request,
        ods: str,
        params: dict[str, str],
        requester: Requester,
        now: datetime,
        interaction: Interaction,
    ) -> _Response:
        if_match = request.headers.get("if-match", "")
        if not if_match:
            raise GPConnectError(
                SpineError.BAD_REQUEST, "Send If-Match with the ETag of the appointment you read."
            )
        body = request.json()
        if isinstance(body, dict) and "reason" in body:
            raise GPConnectError(SpineError.INVALID_RESOURCE, "Appointment.reason is not allowed.")
        appointment = Appointment.from_fhir(body)
        if appointment.id != params["id"]:
            raise GPConnectError(
                SpineError.BAD_REQUEST, "The appointment's id must match the URL's."
            )
        updated = self.store.update(
            ods,
            params["id"],
            appointment,
            if_match=version_from_etag(if_match),
            interaction=interaction,
            requester=requester,
            now=now,
        )
        return _fhir(200, updated.to_fhir(), ("ETag", etag(updated.version)))

    def _amend_appointment(
        self,
        request: _Request,
        ods: str,
        params: dict[str, str],
        requester: Requester,
        now: datetime,
    ) -> _Response:
        return self._update(request, ods, params, requester, now, Interaction.AMEND_APPOINTMENT)

    def _cancel_appointment(
        self,
        request: _Request,
        ods: str,
        params: dict[str, str],
        requester: Requester,
        now: datetime,
    ) -> _Response:
        return self._update(request, ods, params, requester, now, Interaction.CANCEL_APPOINTMENT)

    def _retrieve_appointments(
        self,
        request: _Request,
        ods: str,
        params: dict[str, str],
        requester: Requester,
        now: datetime,
    ) -> _Response:
        window = parse_appointment_search(request.query, today=london_date(now))
        if self.store.get_patient(ods, params["id"]) is None:
            raise GPConnectError(SpineError.PATIENT_NOT_FOUND, f"No Patient/{params['id']}.")
        appointments = self.store.patient_appointments(ods, params["id"], window)
        return _fhir(200, searchset(appointment.to_fhir() for appointment in appointments))

    def _find_patient(
        self,
        request: _Request,
        ods: str,
        params: dict[str, str],
        requester: Requester,
        now: datetime,
    ) -> _Response:
        patient = self.store.find_patient(ods, parse_patient_search(request.query))
        return _fhir(200, searchset([patient.to_fhir(version="1")] if patient else []))

    def _read_patient(
        self,
        request: _Request,
        ods: str,
        params: dict[str, str],
        requester: Requester,
        now: datetime,
    ) -> _Response:
        patient = self.store.get_patient(ods, params["id"])
        if patient is None:
            raise GPConnectError(SpineError.PATIENT_NOT_FOUND, f"No Patient/{params['id']}.")
        return _fhir(200, patient.to_fhir(version="1"), ("ETag", etag("1")))

    def _register_patient(
        self,
        request: _Request,
        ods: str,
        params: dict[str, str],
        requester: Requester,
        now: datetime,
    ) -> _Response:
        patient = self.store.register_patient(ods, parse_registration(request.json()))
        return _fhir(200, searchset([patient.to_fhir(version="1")]))

    # Control, ledger, pages ----------------------------------------------------------------

    def _control(self, request: _Request) -> _Response:
        key = (request.method, request.path.rstrip("/"))
        if key == ("GET", "/_health"):
            return _json(200, {"status": "ok"})
        if key == ("GET", "/_control"):
            return _json(200, self.faults.snapshot())
        if key == ("POST", "/_control"):
            try:
                body = json.loads(request.body or b"{}")
                if not isinstance(body, dict):
                    raise ValueError("Send a JSON object.")
                return _json(200, self.faults.configure(body))
            except ValueError as exc:
                return _json(400, {"error": str(exc)})
        if key == ("POST", "/_reset"):
            self.store.reset()
            self.faults.reset()
            with self._requests_lock:
                self._requests.clear()
            return _json(200, {"status": "reset"})
        if key == ("GET", "/_ledger"):
            practice = (request.query.get("practice") or [None])[0]
            return _json(200, {"appointments": self.store.ledger(practice)})
        if key == ("GET", "/_requests"):
            with self._requests_lock:
                return _json(200, {"requests": list(self._requests)})
        if key == ("GET", "/_practices"):
            return _json(200, {"practices": self.store.practices()})
        if key == ("POST", "/_practices"):
            return self._name_practices(request)
        return _json(404, {"error": f"No control {request.method} {request.path}."})

    def _name_practices(self, request: _Request) -> _Response:
        try:
            body = json.loads(request.body or b"{}")
            practices = body["practices"]
            today = london_date(self.clock())
            for practice in practices:
                self.store.name_practice(
                    str(practice["ods"]).upper(),
                    name=str(practice["name"]),
                    phone=str(practice.get("phone", "")),
                    today=today,
                )
        except (ValueError, KeyError, TypeError) as exc:
            return _json(400, {"error": f"Send {{'practices': [{{'ods', 'name'}}]}}: {exc!r}"})
        return _json(200, {"practices": self.store.practices()})

    def _index_page(self) -> str:
        rows = "".join(
            f'<tr><td><a href="/{html.escape(p["ods"])}">{html.escape(p["ods"])}</a></td>'
            f"<td>{html.escape(p['name'])}</td><td>{p['booked']}</td></tr>"
            for p in self.store.practices()
        )
        return _page(
            "GP Connect sandbox",
            "<p>Practice systems answer GP Connect at <code>/&lt;ODS&gt;/STU3/1/gpconnect</code>."
            " Any ODS code works; its sessions are made on first use.</p>"
            "<table><thead><tr><th>ODS code</th><th>Practice</th><th>Booked</th></tr></thead>"
            f"<tbody>{rows or '<tr><td colspan=3>No practice has been used yet.</td></tr>'}"
            "</tbody></table>"
            '<p>JSON: <a href="/_ledger">ledger</a>, <a href="/_requests">requests</a>, '
            '<a href="/_control">faults</a>.</p>',
            refresh=False,
        )

    def _book_page(self, ods: str) -> str:
        now = self.clock()
        self.store.ensure_practice(ods, today=london_date(now))
        organization = self.store.organization(ods)
        since = london_day_start(london_date(now))
        entries = [e for e in self.store.ledger(ods) if datetime.fromisoformat(e["end"]) >= since]
        entries.sort(key=lambda e: (e["start"], int(e["id"])))
        rows = "".join(_book_row(entry) for entry in entries)
        free = self.store.slot_count(ods, status="free", since=now)
        return _page(
            f"{organization.name} ({ods}): appointment book",
            f"<p>{free} free slots ahead. This page refreshes itself every 2 seconds.</p>"
            "<table><thead><tr><th>When</th><th>Status</th><th>Patient</th><th>Description"
            "</th><th>Booked by</th><th>Hub Diary reference</th><th>Version</th></tr></thead>"
            f"<tbody>{rows or '<tr><td colspan=7>No appointments from today on.</td></tr>'}"
            "</tbody></table>"
            f'<p><a href="/">All practices</a> · <a href="/_ledger?practice={ods}">JSON</a></p>',
            refresh=True,
        )


def _check_new(appointment: Appointment) -> None:
    """What GP Connect requires of a booking before the slots are looked at."""
    if appointment.status != "booked":
        raise GPConnectError(SpineError.INVALID_RESOURCE, "A new appointment's status is booked.")
    if appointment.created is None:
        raise GPConnectError(SpineError.INVALID_RESOURCE, "Appointment.created is required.")
    if appointment.booking_organization is None:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE,
            "The booking organisation extension and its contained Organization are required.",
        )
    if not appointment.description.strip():
        raise GPConnectError(SpineError.INVALID_RESOURCE, "Appointment.description is required.")
    if len(appointment.description) > DESCRIPTION_MAX or len(appointment.comment) > COMMENT_MAX:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE,
            f"The description takes at most {DESCRIPTION_MAX} characters and the comment "
            f"{COMMENT_MAX}.",
        )
    if appointment.cancellation_reason:
        raise GPConnectError(
            SpineError.INVALID_RESOURCE, "A new appointment has no cancellation reason."
        )


def _book_row(entry: Mapping[str, Any]) -> str:
    start = datetime.fromisoformat(entry["start"]).astimezone(LONDON)
    end = datetime.fromisoformat(entry["end"]).astimezone(LONDON)
    organisation = entry["booking_organisation"] or {}
    booked_by = entry["booked_by"]
    who = organisation.get("name") or booked_by.get("organisation_name", "")
    status = entry["status"]
    if entry["cancellation_reason"]:
        status += f" ({entry['cancellation_reason']})"
    cells = [
        f"{start:%a %d %b %H:%M} to {end:%H:%M}",
        status,
        f"{entry['patient']['name']} ({entry['patient']['nhs_number']})",
        entry["description"],
        f"{who} — {booked_by.get('practitioner_name', '')}",
        entry["reference"],
        entry["version"],
    ]
    css = ' class="cancelled"' if entry["status"] == "cancelled" else ""
    return f"<tr{css}>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>"


def _page(title: str, body: str, *, refresh: bool) -> str:
    meta = '<meta http-equiv="refresh" content="2">' if refresh else ""
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title>{meta}"
        "<style>body{font-family:Arial,sans-serif;margin:2rem;color:#212b32}"
        "table{border-collapse:collapse}td,th{border-bottom:1px solid #d8dde0;"
        "padding:.4rem .8rem;text-align:left}.cancelled{color:#768692;"
        "text-decoration:line-through}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
