"""Task log lines: a worker's lines name the task and its id, and carry the request id and
organisation of the request that enqueued it."""

import logging
from types import SimpleNamespace

import structlog
from django_structlog.celery.receivers import CeleryReceiver

from governance import tasks
from tests.config.logs_capture import capture_logs


def test_a_task_s_lines_carry_its_name_and_id_and_the_enqueuing_request_s_context():
    receiver = CeleryReceiver()
    headers: dict = {}
    # As a request enqueues it: its context travels in the message's headers.
    with structlog.contextvars.bound_contextvars(request_id="req-abcdef12", organisation="A81001"):
        receiver.receiver_before_task_publish(headers=headers, properties={})
    task = tasks.seal_audit_trail
    task.request_stack.push(SimpleNamespace(__django_structlog__=headers["__django_structlog__"]))
    try:
        with capture_logs() as logs:
            # As the worker starts it.
            receiver.receiver_task_prerun("task-id-1234", task)
            logging.getLogger("governance.seals").info("Sealed")
    finally:
        task.request_stack.pop()
        structlog.contextvars.clear_contextvars()
    line = next(line for line in logs.json() if line["event"] == "Sealed")
    assert line["task"] == "governance.seal_audit_trail"
    assert line["task_id"] == "task-id-1234"
    assert line["request_id"] == "req-abcdef12"
    assert line["organisation"] == "A81001"
