"""Requests and answers as the sandbox's WSGI app sees them: a request read from the WSGI
environ, and an answer as FHIR, plain JSON or an HTML page."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from gpconnect.errors import GPConnectError, SpineError
from gpconnect.rest import FHIR_JSON_UTF8

REASONS = {
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


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names in lower case
    body: bytes
    host: str

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any]) -> "Request":
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
class Response:
    status: int
    body: bytes
    content_type: str
    headers: list[tuple[str, str]] = field(default_factory=list)

    def status_line(self) -> str:
        return f"{self.status} {REASONS.get(self.status, 'Error')}"


def fhir(status: int, resource: Mapping[str, Any], *headers: tuple[str, str]) -> Response:
    return Response(status, json.dumps(resource).encode(), FHIR_JSON_UTF8, list(headers))


def plain_json(status: int, data: Any) -> Response:
    return Response(status, json.dumps(data, indent=1).encode(), "application/json")


def html(status: int, page: str) -> Response:
    return Response(status, page.encode(), "text/html; charset=utf-8")
