"""Timed holds on free slots: a patient who chooses a slot online, or one offered it from
the waiting list, has it to themselves for a few minutes while they confirm.

One hold per slot (the database's unique slot), taken under the slot's row lock, so two
patients choosing the same slot at the same moment get one hold between them; one hold per
holder, so choosing another slot lets the first go. A hold that has run out is anyone's.
Staff booking does not wait for holds: a receptionist on the phone books what they see, and
the patient holding it is told it has gone.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from booking.models import Session, Slot, SlotHold


def hold_slot(
    *, slot: Slot, holder: str, hold_for: datetime.timedelta, now: datetime.datetime | None = None
) -> SlotHold | None:
    """Hold a free slot for `holder` ("account:<id>", "offer:<id>") until `hold_for` from now;
    None if it is not free or someone else holds it. Holding again renews the hold."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Slot.objects.select_for_update(of=("self",))
            .filter(pk=slot.pk, status=Slot.Status.FREE, session__status=Session.Status.PUBLISHED)
            .first()
        )
        if locked is None:
            return None
        current = SlotHold.objects.filter(slot=locked).first()
        if current is not None and current.holder != holder and current.expires_at > now:
            return None
        SlotHold.objects.filter(holder=holder).exclude(slot=locked).delete()
        hold, _ = SlotHold.objects.update_or_create(
            slot=locked, defaults={"holder": holder, "expires_at": now + hold_for}
        )
    return hold


def live_hold(*, slot: Slot, holder: str, now: datetime.datetime | None = None) -> SlotHold | None:
    """`holder`'s hold on `slot`, if it has not run out."""
    now = now or timezone.now()
    return SlotHold.objects.filter(slot=slot, holder=holder, expires_at__gt=now).first()


def let_go(*, holder: str, slot: Slot | None = None) -> None:
    """Release `holder`'s hold (on `slot`, or whatever they hold)."""
    holds = SlotHold.objects.filter(holder=holder)
    if slot is not None:
        holds = holds.filter(slot=slot)
    holds.delete()


def not_held_by_others(slots: QuerySet[Slot], *, holder: str, now: datetime.datetime) -> QuerySet:
    """The slots of `slots` nobody else holds now."""
    held = SlotHold.objects.filter(slot=OuterRef("pk"), expires_at__gt=now).exclude(holder=holder)
    return slots.filter(~Q(Exists(held)))


def clear_expired(now: datetime.datetime | None = None) -> int:
    """Delete holds that have run out (they hold nothing; this only keeps the table small)."""
    deleted, _ = SlotHold.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
