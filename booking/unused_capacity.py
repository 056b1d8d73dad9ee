"""Unused capacity is not wasted: a session whose release rules hand its unbooked slots to
urgent care (A&E, out of hours and NHS 111) a set time before it starts ("widening", see
`release_rules.decisions.widen_release`) has them handed over at that moment. The rules
open the slots to search and booking by themselves, so the two always agree; this job, run
every few minutes, records each hand-over once: the session is stamped with when and how
many, which the diaries show, and the release is audited."""

import datetime

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from booking.models import Audience, ReleaseRule, Session, Slot
from governance.actions import Action
from governance.audit import Actor, record_event

# The furthest ahead a hand-over is set: widening leads are hours, not days.
LOOK_AHEAD = datetime.timedelta(days=7)


def sessions_to_hand_over(now: datetime.datetime):
    """Published sessions not yet handed over whose widening to urgent care has come."""
    candidates = (
        Session.objects.filter(
            status=Session.Status.PUBLISHED,
            unused_released_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + LOOK_AHEAD,
            rules__audience=Audience.URGENT_CARE,
            rules__opens=ReleaseRule.Opens.BEFORE_START,
        )
        .annotate(lead=Min("rules__opens_minutes_before"))
        .only("pk", "starts_at")
    )
    return [
        session.pk
        for session in candidates
        if session.starts_at - datetime.timedelta(minutes=session.lead or 0) <= now
    ]


def record_unused_releases(now: datetime.datetime | None = None) -> int:
    """Stamp and audit each session whose hand-over time has passed, once. Returns how many
    sessions were handed over."""
    now = now or timezone.now()
    handed = 0
    for session_id in sessions_to_hand_over(now):
        with transaction.atomic():
            session = (
                Session.objects.select_for_update(skip_locked=True)
                .filter(pk=session_id, unused_released_at__isnull=True)
                .first()
            )
            if session is None:
                continue  # another run has it
            free = Slot.objects.filter(session=session, status=Slot.Status.FREE, start__gt=now)
            session.unused_released_at = now
            session.unused_released_count = free.count()
            session.save(update_fields=["unused_released_at", "unused_released_count"])
            record_event(
                actor=Actor.system(),
                action=Action.SLOT_RELEASE_UNUSED,
                obj=session,
                reason=f"free={session.unused_released_count};to=urgent-care",
            )
            handed += 1
    return handed
