"""Slots kept for NHS 111 to book directly. The GP contract asks each practice to offer NHS
111 at least one appointment a day for every 3,000 registered patients. A practice says how
many it keeps a day (`Nhs111Reservation`); a scheduled job keeps that many of its free
slots reserved on each of the coming days, choosing them spread across the day. A reserved
slot is released by its reservation, not its session's rules (`stored.rules_for`): to NHS
111, and to every urgent care service once it is two hours away and still free; its own
practice may always book it. Each reservation, and
each slot given back when the number goes down, is audited as a release."""

import datetime
import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from booking.models import Nhs111Reservation, Session, Slot
from booking.release_rules import stored
from core.time import london_date, london_day_end, london_day_start
from governance.actions import Action
from governance.audit import Actor, record_event
from practices.models import Organisation

NHS_111 = Organisation.Kind.NHS_111
PATIENTS_PER_SLOT = 3_000
DAYS_AHEAD = 7
# A slot about to start is no use to NHS 111 as a reservation: it is left as it is.
NOT_WITHIN = datetime.timedelta(minutes=30)


def contract_minimum(list_size: int) -> int:
    """Slots a day the GP contract asks for: one per 3,000 registered patients or part."""
    return math.ceil(list_size / PATIENTS_PER_SLOT) if list_size > 0 else 0


@transaction.atomic
def set_reservation(
    *, by: Actor, practice: Organisation, list_size: int, slots_per_day: int
) -> Nhs111Reservation:
    """Record how many slots the practice keeps a day; the job does the reserving."""
    minimum = contract_minimum(list_size)
    if slots_per_day < minimum:
        raise ValidationError(
            {
                "slots_per_day": f"With {list_size:,} registered patients the GP contract asks "
                f"for at least {minimum} a day."
            }
        )
    reservation, _ = Nhs111Reservation.objects.update_or_create(
        practice=practice,
        defaults={"list_size": list_size, "slots_per_day": slots_per_day, "updated_by": by.user},
    )
    record_event(
        actor=by,
        action=Action.RESERVATION_111_SET,
        obj=reservation,
        reason=f"per-day={slots_per_day};list-size={list_size}",
    )
    return reservation


def keep_reservations(now: datetime.datetime | None = None) -> int:
    """Bring every practice's reserved slots to its number on each of the coming days.
    Running twice changes nothing more. Returns how many slots were reserved or given
    back."""
    now = now or timezone.now()
    changed = 0
    for reservation_id in Nhs111Reservation.objects.values_list("pk", flat=True):
        changed += _keep(reservation_id, now)
    return changed


def _keep(reservation_id: int, now: datetime.datetime) -> int:
    with transaction.atomic():
        # One run at a time per practice: the count and the choice are made under this lock.
        reservation = (
            Nhs111Reservation.objects.select_for_update(skip_locked=True)
            .select_related("practice")
            .filter(pk=reservation_id)
            .first()
        )
        if reservation is None:
            return 0
        changed = 0
        today = london_date(now)
        for offset in range(DAYS_AHEAD):
            changed += _keep_day(reservation, today + datetime.timedelta(days=offset), now)
        return changed


def _keep_day(reservation: Nhs111Reservation, day: datetime.date, now: datetime.datetime) -> int:
    slots = Slot.objects.filter(
        practice=reservation.practice,
        session__status=Session.Status.PUBLISHED,
        start__gte=max(london_day_start(day), now + NOT_WITHIN),
        start__lt=london_day_end(day),
    )
    reserved = slots.filter(reserved_for=NHS_111)
    # A reserved slot NHS 111 has booked still counts: it was offered.
    held = reserved.filter(status__in=[Slot.Status.FREE, Slot.Status.BOOKED]).count()
    wanted = reservation.slots_per_day
    if held < wanted:
        candidates = list(
            slots.filter(status=Slot.Status.FREE, reserved_for="").order_by("start", "pk")
        )
        chosen = _spread(candidates, wanted - held)
        return sum(_set_reservation(slot, NHS_111, Action.SLOT_RESERVE_111) for slot in chosen)
    surplus = held - wanted
    given_back = reserved.filter(status=Slot.Status.FREE).order_by("-start")[: max(surplus, 0)]
    return sum(_set_reservation(slot, "", Action.SLOT_UNRESERVE_111) for slot in given_back)


def _spread(candidates: list[Slot], count: int) -> list[Slot]:
    """`count` of the candidates spread evenly across the day, so NHS 111 has a choice of
    times, not the first few of the evening."""
    if count >= len(candidates):
        return candidates
    step = len(candidates) / count
    return [candidates[int(step * n + step / 2)] for n in range(count)]


def _set_reservation(slot: Slot, reserved_for: str, action: Action) -> bool:
    """Under the session's lock, as booking and rule changes take it, so a booking is judged
    by the slot's release before or after, never a mixture."""
    session = Session.objects.select_for_update().get(pk=slot.session_id)
    locked = Slot.objects.filter(pk=slot.pk, status=Slot.Status.FREE).first()
    if locked is None:
        return False  # booked meanwhile
    locked.reserved_for = reserved_for
    columns = stored.release_columns(stored.rules_for(locked, session.rules.all()), locked.start)
    for name, value in columns.items():
        setattr(locked, name, value)
    locked.save(update_fields=["reserved_for", *stored.RELEASE_COLUMNS, "updated_at"])
    record_event(
        actor=Actor.system(),
        action=action,
        obj=locked,
        reason=f"to={reserved_for or 'session-rules'}",
    )
    return True
