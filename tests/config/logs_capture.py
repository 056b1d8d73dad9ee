"""The log lines the configured handler writes, captured from the handler itself, so tests
see exactly what an operator's log collector would."""

import io
import json
import logging

import structlog


class CapturedLines:
    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    @property
    def text(self) -> str:
        return self._stream.getvalue()

    def json(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines()]


def capture_logs():
    """A context manager: the configured handler writes into a string meanwhile."""
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter)
    )
    return _Capture(handler)


class _Capture:
    def __init__(self, handler: logging.StreamHandler) -> None:
        self._handler = handler
        self._stream = io.StringIO()

    def __enter__(self) -> CapturedLines:
        self._previous = self._handler.setStream(self._stream)
        return CapturedLines(self._stream)

    def __exit__(self, *exc) -> None:
        self._handler.setStream(self._previous)
