"""Joining and leaving a hub's waiting list, by the patient online or by a receptionist on
their behalf, through the access door: one entry per patient and hub, joining again changes
what would suit them."""

import datetime

from django.db import transaction
from django.utils import timezone

from governance.access import Purpose, decide_then
from governance.actions import Action
from governance.audit import Actor
from online.models import WaitingListEntry
from online.offers import ENTRY_LIFETIME
from patients.models import Patient
from practices.models import Organisation


def join_waiting_list(
    *,
    by: Actor,
    patient: Patient,
    hub: Organisation,
    weekdays: list[int],
    earliest: datetime.time | None,
    latest: datetime.time | None,
    sites: list,
    delivery_channels: list[str],
    contact_by: str,
    reason: str,
) -> WaitingListEntry:
    def join() -> WaitingListEntry:
        entry = (
            WaitingListEntry.objects.select_for_update()
            .filter(hub=hub, patient=patient, status=WaitingListEntry.Status.WAITING)
            .first()
        )
        if entry is None:
            entry = WaitingListEntry(hub=hub, patient=patient, added_by=by.user)
        entry.weekdays = sorted(weekdays)
        entry.earliest, entry.latest = earliest, latest
        entry.delivery_channels = list(delivery_channels)
        entry.contact_by = contact_by
        entry.reason = reason.strip()[:200]
        entry.expires_at = timezone.now() + ENTRY_LIFETIME
        entry.save()
        entry.sites.set(sites)
        return entry

    with transaction.atomic():
        return decide_then(by, patient, Purpose.BOOK, action=Action.WAITING_LIST_JOIN, then=join)


def leave_waiting_list(*, by: Actor, entry: WaitingListEntry) -> None:
    def leave() -> None:
        WaitingListEntry.objects.filter(pk=entry.pk, status=WaitingListEntry.Status.WAITING).update(
            status=WaitingListEntry.Status.LEFT, closed_at=timezone.now()
        )

    decide_then(
        by, entry.patient, Purpose.BOOK, action=Action.WAITING_LIST_LEAVE, obj=entry, then=leave
    )
