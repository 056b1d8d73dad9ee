"""The sandbox's HTTP server: connections kept alive between requests, as a practice
system's are, and closed when the server closes."""

import http.client
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
