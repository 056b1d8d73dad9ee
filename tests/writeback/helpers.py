"""Helpers for write-back tests: a booking's messages, and delivering one by calling the
task's body."""

import datetime

from django.utils import timezone

from writeback import tasks
from writeback.models import WriteBackMessage

State = WriteBackMessage.State
Op = WriteBackMessage.Operation


def deliver(message_or_id) -> str:
    message_id = getattr(message_or_id, "pk", message_or_id)
    return tasks.deliver_write_back(message_id)


def message_of(booking, operation=Op.BOOK) -> WriteBackMessage:
    return WriteBackMessage.objects.get(booking=booking, operation=operation)


def make_due(message: WriteBackMessage) -> None:
    WriteBackMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
