"""Helpers for write-back tests: a practice linked to the GP Connect sandbox, a booking's
messages, and delivering one by calling the task's body."""

import contextlib
import datetime
from collections.abc import Iterator

from celery import current_app
from django.utils import timezone

from practices.models import ClinicalSystemLink
from tests.factories import SiteFactory
from tests.gpconnect.sandbox.harness import running_sandbox
from writeback import slot_import, tasks
from writeback.models import WriteBackMessage

State = WriteBackMessage.State
Op = WriteBackMessage.Operation


@contextlib.contextmanager
def linked_to_sandbox(practice, manager, monkeypatch, *, at_least: int = 1) -> Iterator:
    """The practice linked to a GP Connect sandbox in a thread, its free slots imported from
    there (at least `at_least`); nothing is handed to a broker, so only what the test
    delivers is delivered. Yields the running sandbox."""
    monkeypatch.setattr(current_app, "send_task", lambda *a, **k: None)
    monkeypatch.setattr(tasks.deliver_write_back, "apply_async", lambda *a, **k: None)
    with running_sandbox() as running:
        SiteFactory(organisation=practice)
        link = ClinicalSystemLink.objects.create(
            practice=practice,
            base_url=running.url,
            enabled=True,
            switched_by=manager,
            switched_at=timezone.now(),
        )
        assert slot_import.import_practice_slots(link=link, horizon_days=7).added >= at_least
        yield running


def deliver(message_or_id) -> str:
    message_id = getattr(message_or_id, "pk", message_or_id)
    return tasks.deliver_write_back(message_id)


def message_of(booking, operation=Op.BOOK) -> WriteBackMessage:
    return WriteBackMessage.objects.get(booking=booking, operation=operation)


def make_due(message: WriteBackMessage) -> None:
    WriteBackMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
