"""Reads of the ledger for the organisation a message concerns."""

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from notifications.models import Message


def messages_of(*, organisation_id: int, states: Iterable[str] | None = None) -> QuerySet[Message]:
    """The organisation's messages, newest first; only those in `states` if given."""
    messages = Message.objects.filter(organisation_id=organisation_id)
    if states is not None:
        messages = messages.filter(status__in=list(states))
    return messages.order_by("-created_at", "-pk")


def count_by_state(*, organisation_id: int) -> dict[str, int]:
    """How many of the organisation's messages are in each state, every state named."""
    counted = dict(
        Message.objects.filter(organisation_id=organisation_id)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {state: counted.get(state, 0) for state in Message.Status.values}
