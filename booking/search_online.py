"""What a patient sees when booking online: free slots released to patients online at the
practices of their hub, that nobody else is holding, a day at a time, nearest site first.

A page shows at most a day of a hub's slots, so this reads plain rows with the ORM; the
national-scale search for staff is `booking.search`.
"""

import datetime
import math
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from booking.holds import not_held_by_others
from booking.models import Audience, DeliveryChannel, Session, Slot
from booking.release_rules import decisions, stored
from core.time import LONDON, london_day_end, london_day_start, to_london
from practices.models import Site

# Too close to the start to come in time: online booking stops this long before.
LEAD_TIME = datetime.timedelta(minutes=30)
DAYS_AHEAD = 14
REMOTE = (DeliveryChannel.TELEPHONE, DeliveryChannel.VIDEO)
FACE_TO_FACE = (DeliveryChannel.IN_PERSON,)
PARTS_OF_DAY = {
    "morning": (datetime.time(0), datetime.time(12)),
    "afternoon": (datetime.time(12), datetime.time(17)),
    "evening": (datetime.time(17), datetime.time(23, 59, 59)),
}


@dataclass(frozen=True)
class SiteSlots:
    """One site's free times on a day, with how far it is from the patient's practice."""

    site: Site
    distance_km: float | None
    slots: list[Slot]


def bookable_online(
    *, practice_ids: list[int], holder: str, now: datetime.datetime | None = None
) -> QuerySet[Slot]:
    """Free slots released to patients online now at these practices, not held by others."""
    now = now or timezone.now()
    open_columns = stored.AUDIENCE_COLUMNS[Audience.ONLINE]
    slots = Slot.objects.filter(
        practice_id__in=practice_ids,
        status=Slot.Status.FREE,
        session__status=Session.Status.PUBLISHED,
        start__gt=now + LEAD_TIME,
        start__lt=now + datetime.timedelta(days=DAYS_AHEAD),
        reserved_for="",
        **{f"{open_columns[0]}__lte": now, f"{open_columns[1]}__gt": now},
    )
    return not_held_by_others(slots, holder=holder, now=now)


def days_with_slots(
    slots: QuerySet[Slot], *, channels: tuple[str, ...] = ()
) -> list[tuple[datetime.date, int]]:
    """Each day with free slots, and how many: for choosing a day."""
    if channels:
        slots = slots.filter(delivery_channel__in=channels)
    rows = (
        slots.annotate(day=TruncDate("start", tzinfo=LONDON))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    return [(row["day"], row["count"]) for row in rows]


def slots_on(
    slots: QuerySet[Slot],
    *,
    day: datetime.date,
    part_of_day: str = "",
    channels: tuple[str, ...] = (),
    near: Site | None = None,
) -> list[SiteSlots]:
    """The day's free slots by site, nearest to `near` (the patient's practice) first.
    Slots whose rules name particular organisations are not for patients and are left out."""
    slots = slots.filter(start__gte=london_day_start(day), start__lt=london_day_end(day))
    if channels:
        slots = slots.filter(delivery_channel__in=channels)
    found = [
        slot
        for slot in slots.select_related("site", "practice", "clinician").order_by("start")
        if _in_part(slot, part_of_day) and (not slot.restricted or _open_to_patients(slot))
    ]
    by_site: dict[int, SiteSlots] = {}
    for slot in found:
        if slot.site_id not in by_site:
            by_site[slot.site_id] = SiteSlots(slot.site, _distance_km(near, slot.site), [])
        by_site[slot.site_id].slots.append(slot)
    return sorted(
        by_site.values(),
        key=lambda s: (s.distance_km is None, s.distance_km or 0.0, s.site.name),
    )


def _in_part(slot: Slot, part_of_day: str) -> bool:
    if part_of_day not in PARTS_OF_DAY:
        return True
    earliest, latest = PARTS_OF_DAY[part_of_day]
    return earliest <= to_london(slot.start).time() < latest


def _open_to_patients(slot: Slot) -> bool:
    rules = stored.rules_for(slot, stored.rules_of([slot.session_id]))
    facts = stored.slot_facts(
        start=slot.start, practice_ods=slot.practice.ods_code, rules=rules, blocked=False
    )
    return decisions.may_see(facts, stored.PATIENT_ONLINE, timezone.now()).allowed


def _distance_km(near: Site | None, site: Site) -> float | None:
    """As the crow flies (haversine): enough to put the nearest site first."""
    if near is None or near.latitude is None or site.latitude is None:
        return None
    lat1, lon1, lat2, lon2 = map(
        math.radians, (near.latitude, near.longitude, site.latitude, site.longitude)
    )
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(a))
