"""The sandbox's HTTP server: connections kept alive between requests, as a practice
system's are, closed when the server closes, and a client's hanging up no error of its."""

import http.client
import socket
import struct
import time
from urllib.parse import urlsplit

import pytest

from tests.gpconnect.sandbox.harness import running_sandbox


def test_server_url_is_a_localhost_port(sandbox):
    assert urlsplit(sandbox.url).hostname == "127.0.0.1"


def test_one_connection_carries_request_after_request(sandbox):
    before = sandbox.server.connections_accepted
    connection = http.client.HTTPConnection("127.0.0.1", urlsplit(sandbox.url).port, timeout=5)
    try:
        statuses = []
        for _ in range(3):
            connection.request("GET", "/_health")
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
    finally:
        connection.close()

    assert statuses == [200, 200, 200]
    assert sandbox.server.connections_accepted - before == 1


def test_closing_the_server_hangs_up_on_kept_alive_connections():
    with running_sandbox() as sandbox:
        connection = http.client.HTTPConnection("127.0.0.1", urlsplit(sandbox.url).port, timeout=5)
        connection.request("GET", "/_health")
        connection.getresponse().read()

    try:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            connection.request("GET", "/_health")
            connection.getresponse()
    finally:
        connection.close()


def test_a_client_that_hangs_up_abruptly_is_not_reported_as_an_error(sandbox, capfd):
    """A worker killed mid-delivery resets its connection: the sandbox prints nothing."""
    port = urlsplit(sandbox.url).port
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(b"GET /_health HTTP/1.1\r\nHost: x\r\n\r\n")
        client.recv(4096)
        # Linger 0: closing sends a reset rather than an orderly goodbye.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    time.sleep(0.3)

    assert "Traceback" not in capfd.readouterr().err
