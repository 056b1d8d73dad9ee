"""What every log line of a request (and of the tasks it enqueues) says about it: the
request id and the acting organisation's ODS code, bound once for the request's lifetime
(the tasks' lines get them from the request: `config.celery`).

django-structlog writes one line as each request finishes (`request_finished`, with its
method, path and status) and binds the context to every other line; these pieces adapt it
to Hub Diary. No database query: the acting organisation is the one the acting-
organisation middleware has already loaded.
"""

from collections.abc import Callable

import structlog
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_structlog import signals
from django_structlog.middlewares import RequestMiddleware


class RequestLogMiddleware(RequestMiddleware):
    """django-structlog's request middleware, writing the path without its query string (a
    search's query string may hold a patient's name, date of birth or NHS number).

    After governance's RequestIdMiddleware, whose request id (the caller's, if sane) every
    line carries, as the audit trail and the X-Request-ID response header do."""

    @staticmethod
    def format_request(request: HttpRequest) -> str:
        return f"{request.method} {request.path}"


class ActingOrganisationLogMiddleware:
    """Binds the acting organisation's ODS code to the lines that follow. After the
    acting-organisation middleware, which sets `request.acting`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        acting = getattr(request, "acting", None)
        if acting is not None:
            structlog.contextvars.bind_contextvars(organisation=acting.organisation.ods_code)
        return self.get_response(request)


@receiver(signals.bind_extra_request_metadata)
def _bind_request_id(request: HttpRequest, logger, log_kwargs: dict, **kwargs) -> None:
    request_id = getattr(request, "request_id", None)
    if request_id:
        structlog.contextvars.bind_contextvars(request_id=request_id)
