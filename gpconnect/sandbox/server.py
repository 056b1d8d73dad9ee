"""A threaded HTTP server for the sandbox's WSGI app, able to hang up without answering.

The standard library's wsgiref turns every exception into a 500; the sandbox needs to close
a connection with no answer at all (dropped connections, "commit then drop", timeouts), so
this small server runs the WSGI app itself and closes the socket when the app raises
`DropConnection`.

Connections are kept alive (HTTP/1.1), as a practice system's are: a client that pools its
connections sends many requests over one. An idle connection is closed after
`IDLE_SECONDS`, and every open one when the server closes.
"""

import contextlib
import io
import socket
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# Longer than clients keep an idle connection (httpx: 5 seconds), so they let go first.
IDLE_SECONDS = 30


class DropConnection(Exception):
    """Raised by the app: close the connection without sending anything."""


class _Handler(BaseHTTPRequestHandler):
    server: "SandboxServer"
    protocol_version = "HTTP/1.1"  # kept alive between requests; every answer has a length
    timeout = IDLE_SECONDS  # waiting for a connection's next request, or for its body
    # Headers and body go out as two writes: without this, on a kept-alive connection the
    # body would wait for the client's delayed acknowledgement of the headers (~40 ms).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._run()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _environ(self, body: bytes) -> dict[str, Any]:
        url = urlsplit(self.path)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(url.path),
            "QUERY_STRING": url.query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = "HTTP_" + name.upper().replace("-", "_")
            if key not in {"HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"}:
                environ[key] = value
        return environ

    def _run(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return lambda data: None

        try:
            chunks = b"".join(self.server.app(self._environ(body), start_response))
        except DropConnection:
            self.close_connection = True
            return
        code, _, reason = answer["status"].partition(" ")
        try:
            self.send_response(int(code), reason)
            for name, value in answer["headers"]:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(chunks)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up waiting: nothing to do

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


class SandboxServer(ThreadingHTTPServer):
    """One thread per connection; counts the connections it accepts, and closes those still
    open when it closes."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: WSGIApp, *, quiet: bool = False) -> None:
        self.app = app
        self.quiet = quiet
        self.connections_accepted = 0
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self.connections_accepted += 1
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a worker killed mid-delivery, say) is no error of the
        sandbox's: only anything else is printed."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def server_close(self) -> None:
        """Stop listening, and hang up on kept-alive connections so their threads end."""
        super().server_close()
        with self._open_lock:
            still_open = list(self._open)
        for connection in still_open:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


@contextmanager
def serve_in_thread(
    app: WSGIApp, *, host: str = "127.0.0.1", port: int = 0, stop: threading.Event | None = None
) -> Iterator[SandboxServer]:
    """Run `app` on a free port in a background thread (for tests); stop it afterwards.
    `stop` is set on the way out, to wake requests the app has left hanging."""
    server = SandboxServer((host, port), app, quiet=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="gpconnect-sandbox"
    )
    thread.start()
    try:
        yield server
    finally:
        if stop is not None:
            stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
