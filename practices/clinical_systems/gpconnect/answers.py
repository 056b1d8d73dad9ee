"""What a practice system's answer, or its silence, means: `base.py`'s exceptions.

- no connection (refused, unreachable, connect timeout, no free connection in the pool):
  nothing was sent -> `Unavailable`;
- sent, then no answer (read or write timeout, dropped connection, answer cut short) ->
  `OutcomeUnknown` for a write, which may have been done; `Unavailable` for a read;
- 5xx and 429 -> `Unavailable`, but 504 on a write -> `OutcomeUnknown` (a gateway gave up
  waiting on a practice system that may have acted);
- 404 -> `NotFound`; other 4xx -> `Rejected`. Callers deal first with the statuses that
  mean more for them (409 on book is a `SlotConflict`; 409 and 412 on an update a stale
  If-Match, read again).
"""

import json
from dataclasses import dataclass
from typing import Any

import httpx

from gpconnect.errors import parse_operation_outcome
from practices.clinical_systems.base import (
    ClinicalSystemError,
    NotFound,
    OutcomeUnknown,
    Rejected,
    Unavailable,
)

# Failures that happen before any of the request leaves this process.
NOT_SENT: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
)


@dataclass(frozen=True)
class Answer:
    """A practice system's answer: its status, ETag and JSON body (None if empty)."""

    status: int
    etag: str
    body: Any

    @classmethod
    def from_response(cls, response: httpx.Response, *, writes: bool, what: str) -> "Answer":
        """The answer; a success whose body is not JSON is as good as no answer."""
        try:
            body = json.loads(response.content) if response.content else None
        except ValueError:
            body = None
            if response.is_success:
                raise bad_answer(f"The answer to {what} is not JSON.", writes=writes) from None
        return cls(status=response.status_code, etag=response.headers.get("ETag", ""), body=body)


def no_answer(error: httpx.TransportError, *, writes: bool, what: str) -> ClinicalSystemError:
    """The exception for a request that got no answer."""
    if isinstance(error, NOT_SENT):
        return Unavailable(f"Could not connect for {what}: {error}")
    message = f"No answer to {what} ({type(error).__name__}: {error})"
    if writes:
        return OutcomeUnknown(message + ": it may have been done.")
    return Unavailable(message)


def bad_answer(message: str, *, writes: bool) -> ClinicalSystemError:
    """An answer we cannot read: after a write, we cannot know what was done."""
    return OutcomeUnknown(message) if writes else Unavailable(message)


def describe(answer: Answer, what: str) -> str:
    """The answer's status and, from its OperationOutcome, the Spine code and diagnostics."""
    outcome = parse_operation_outcome(answer.body)
    if outcome is None:
        return f"{what}: HTTP {answer.status}"
    detail = f" ({outcome.diagnostics})" if outcome.diagnostics else ""
    return f"{what}: HTTP {answer.status} {outcome.code or outcome.issue_type}{detail}"


def raise_unless_ok(answer: Answer, *, writes: bool, what: str) -> None:
    """Nothing for a 2xx; otherwise the exception its status means."""
    if 200 <= answer.status < 300:
        return
    message = describe(answer, what)
    error: ClinicalSystemError
    if answer.status == 404:
        error = NotFound(message)
    elif answer.status == 504 and writes:
        error = OutcomeUnknown(message + ": it may have been done.")
    elif answer.status >= 500 or answer.status == 429:
        error = Unavailable(message)
    else:
        error = Rejected(message)
    raise error
