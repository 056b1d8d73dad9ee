"""Structured logs: every line one JSON object (or, for the demo, one readable line) with the
request id, the acting organisation's ODS code and, in a worker, the task, and never a
patient identifier.

Our own code and Django's loggers go through the standard library; structlog's
ProcessorFormatter renders both alike. What a line may carry is decided where it is
written (no names, dates of birth or NHS numbers: `docs/operations.md`); `redact_nhs_numbers`
is the safety net for anything NHS-number-shaped that slips through, in a message, an
exception or a field.
"""

import re
from typing import Any

import structlog

FORMATS = ("json", "console")
REDACTED = "[redacted]"

# Ten digits standing alone, as typed or printed (999 123 4567, 999-123-4567, 9991234567):
# an NHS number's shape, whether or not its check digit holds (a mistyped one still points
# at a patient). Digits inside longer numbers or hex ids are left alone.
_NHS_NUMBER_SHAPE = re.compile(r"(?<![\w.])\d{3}([ -]?)\d{3}\1\d{4}(?![\w.])")


def redact_nhs_numbers(logger: Any, method_name: str, event_dict: dict) -> dict:
    """A structlog processor: every NHS-number-shaped value in the line's text replaced."""
    for key, value in event_dict.items():
        if isinstance(value, str):
            event_dict[key] = _NHS_NUMBER_SHAPE.sub(REDACTED, value)
        elif isinstance(value, list | tuple):
            event_dict[key] = [
                _NHS_NUMBER_SHAPE.sub(REDACTED, item) if isinstance(item, str) else item
                for item in value
            ]
    return event_dict


def describe_request(logger: Any, method_name: str, event_dict: dict) -> dict:
    """A request handed to a log call (Django's own 4xx and 5xx lines do) as its method and
    path: its query string may hold a search's name, date of birth or NHS number."""
    request = event_dict.get("request")
    if hasattr(request, "method") and hasattr(request, "path"):
        event_dict["request"] = f"{request.method} {request.path}"
    return event_dict


def _shared_processors() -> list:
    """What every line gets, from structlog or from the standard library alike."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        describe_request,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING dictionary for settings, in `log_format` ("json" or "console")."""
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}.")
    renderer = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": _shared_processors(),
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    redact_nhs_numbers,
                    renderer,
                ],
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # django-axes narrates every sign-in at INFO; failures and lockouts are WARNING.
            "axes": {"level": "WARNING"},
            # httpx logs each GP Connect request's URL at INFO: a patient search's holds the
            # NHS number.
            "httpx": {"level": "WARNING"},
            # The development server's access lines carry query strings (a search's name and
            # date of birth); the request log line (request_finished) stands in for them.
            "django.server": {"level": "WARNING" if log_format == "json" else level},
        },
    }


def configure_structlog() -> None:
    """structlog's own loggers (django-structlog's request and task lines) hand their events
    to the standard library, which renders them with the formatter above."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
