"""The GP Connect client's HTTP, over real sockets on localhost: one kept-alive connection
per practice system per process, shared by threads and never by a forked child; and what
a server that refuses, stays silent or hangs up becomes."""

import logging
import os
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import pytest

from practices.clinical_systems.base import OutcomeUnknown, Unavailable
from practices.clinical_systems.gpconnect.operations import GPConnectClient
from practices.clinical_systems.gpconnect.transport import Timeouts, Transport
from tests.gpconnect.sandbox.harness import PRACTICE
from tests.practices.clinical_systems.builders import (
    HUB_RECEPTIONIST,
    NHS_NUMBER,
    book,
    free_slots,
    today,
)

QUICK = Timeouts(connect=0.5, read=0.3, write=0.5, pool=0.5)


def _send(transport: Transport, url: str, *, writes: bool) -> None:
    transport.send(
        "POST" if writes else "GET",
        url,
        params=[],
        headers={},
        content=b"{}" if writes else None,
        writes=writes,
        what="a test request",
    )


@contextmanager
def _server(*, answer: bool) -> Iterator[str]:
    """A server that accepts connections and reads what is sent, then stays silent
    (`answer=False`) or hangs up; its URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                if not answer:
                    stop.wait(5)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=5)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# One connection per practice system ------------------------------------------------------


def test_a_second_call_to_the_same_practice_system_reuses_the_connection(client, sandbox):
    before = sandbox.server.connections_accepted

    book(client, sandbox)  # search; find the patient, register them, search again, book
    free_slots(client, sandbox)
    connections = sandbox.server.connections_accepted - before

    assert connections == 1
    assert len(sandbox.requests()) == 6


def test_clients_made_for_each_call_share_the_process_pool(sandbox):
    before = sandbox.server.connections_accepted

    for _ in range(3):
        GPConnectClient(sandbox.url, clock=sandbox.clock).search_free_slots(
            requester=HUB_RECEPTIONIST,
            practice_ods=PRACTICE,
            start=today(sandbox),
            end=today(sandbox),
        )

    assert sandbox.server.connections_accepted - before == 1


def test_many_practices_on_one_host_share_one_pool(client, sandbox):
    before = sandbox.server.connections_accepted

    for ods in (PRACTICE, "B20002", "C30003"):
        client.search_free_slots(
            requester=HUB_RECEPTIONIST, practice_ods=ods, start=today(sandbox), end=today(sandbox)
        )

    assert sandbox.server.connections_accepted - before == 1


def test_threads_share_the_pool_and_each_call_gets_its_answer(client, sandbox):
    before = sandbox.server.connections_accepted
    days = [today(sandbox) + timedelta(days=n) for n in range(1, 9)]

    def search(day):
        return client.search_free_slots(
            requester=HUB_RECEPTIONIST, practice_ods=PRACTICE, start=day, end=day
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(search, days * 4))
    connections = sandbox.server.connections_accepted - before

    # Every answer is the one for its own day, however the threads interleaved.
    for day, slots in zip(days * 4, found, strict=True):
        assert all(slot.external_id.startswith(f"{PRACTICE}-{day:%Y%m%d}") for slot in slots)
    # About one connection per thread, far fewer than the 32 calls. On a loaded machine a
    # thread may open one more while the connection it last used is being handed back.
    assert connections <= 12
    assert len(sandbox.requests("search_free_slots")) == 32


def test_a_forked_child_opens_its_own_connection_and_leaves_the_parents_alone(client, sandbox):
    free_slots(client, sandbox)  # the parent's pooled connection, kept alive
    before = sandbox.server.connections_accepted

    child = os.fork()
    if child == 0:  # the child: one call, then out, whatever happens
        status = 1
        try:
            status = 0 if free_slots(client, sandbox) else 1
        finally:
            os._exit(status)
    _, wait_status = os.waitpid(child, 0)
    after_the_child = sandbox.server.connections_accepted
    free_slots(client, sandbox)  # the parent again
    after_the_parent = sandbox.server.connections_accepted

    assert os.waitstatus_to_exitcode(wait_status) == 0
    assert after_the_child - before == 1  # the child connected for itself
    assert after_the_parent == after_the_child  # the parent kept its own
    assert len(sandbox.requests("search_free_slots")) == 3


# No answer -------------------------------------------------------------------------------


@pytest.mark.parametrize("writes", [True, False])
def test_connection_refused_is_unavailable_as_nothing_was_sent(writes):
    with pytest.raises(Unavailable, match="Could not connect") as caught:
        _send(Transport(QUICK), f"http://127.0.0.1:{_closed_port()}/", writes=writes)
    assert not isinstance(caught.value, OutcomeUnknown)


def test_a_connect_timeout_is_unavailable():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)  # never accepted: once its queue is full, connecting hangs
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(listener.getsockname())
            fillers.append(filler)
        with pytest.raises(Unavailable, match="Could not connect"):
            _send(Transport(QUICK), f"http://127.0.0.1:{listener.getsockname()[1]}/", writes=True)
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_a_read_timeout_on_a_write_is_outcome_unknown():
    with _server(answer=False) as url, pytest.raises(OutcomeUnknown, match="ReadTimeout"):
        _send(Transport(QUICK), url, writes=True)


def test_a_read_timeout_on_a_read_is_only_unavailable():
    with _server(answer=False) as url, pytest.raises(Unavailable, match="ReadTimeout") as caught:
        _send(Transport(QUICK), url, writes=False)
    assert not isinstance(caught.value, OutcomeUnknown)


def test_a_hang_up_after_a_write_is_outcome_unknown_and_after_a_read_unavailable():
    with _server(answer=True) as url:
        with pytest.raises(OutcomeUnknown, match="it may have been done"):
            _send(Transport(QUICK), url, writes=True)
        with pytest.raises(Unavailable) as caught:
            _send(Transport(QUICK), url, writes=False)
    assert not isinstance(caught.value, OutcomeUnknown)


# What is logged --------------------------------------------------------------------------


def test_request_urls_with_nhs_numbers_are_not_logged(client, sandbox, caplog):
    caplog.set_level(logging.INFO)

    book(client, sandbox)

    assert NHS_NUMBER not in caplog.text
