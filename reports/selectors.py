"""What the reports read: a week's slots of a hub's practices (or one practice's), in two
queries whatever the size of the hub, as the pure `compliance` takes them."""

import datetime

from booking.models import Session, Slot
from core.time import london_day_end, london_day_start, to_london
from practices.models import Organisation
from reports.compliance import Compliance, SlotFacts, compliance

_SLOT_COLUMNS = (
    "practice_id",
    "session_id",
    "start",
    "end",
    "session__practitioner_role",
    "delivery_channel",
    "hub_opens_at",
    "hub_closes_at",
    "urgent_care_opens_at",
    "online_opens_at",
    "reserved_for",
)


def _wall_clock(instant: datetime.datetime | None) -> datetime.datetime | None:
    return to_london(instant).replace(tzinfo=None) if instant is not None else None


def reporting_practices(organisation: Organisation) -> list[Organisation]:
    """The practices an organisation's reports cover: a hub's members, or the practice."""
    if organisation.is_hub:
        return list(organisation.member_practices.order_by("name"))
    return [organisation] if organisation.is_practice else []


def compliance_for(
    organisation: Organisation, monday: datetime.date
) -> tuple[list[Compliance], Compliance | None]:
    """Each practice's Enhanced Access in the week from `monday`, and the hub's together."""
    practices = reporting_practices(organisation)
    rows = (
        Slot.objects.filter(
            practice__in=practices,
            start__gte=london_day_start(monday),
            start__lt=london_day_end(monday + datetime.timedelta(days=6)),
            session__status=Session.Status.PUBLISHED,
        )
        .exclude(status__in=(Slot.Status.BLOCKED, Slot.Status.WITHDRAWN))
        .values_list(*_SLOT_COLUMNS)
    )
    slots = (
        SlotFacts(
            practice_id=practice_id,
            session_id=session_id,
            start=_wall_clock(start),
            end=_wall_clock(end),
            role=role,
            channel=channel,
            hub_opens=_wall_clock(hub_opens),
            hub_closes=_wall_clock(hub_closes),
            urgent_care=urgent_care is not None,
            online=online is not None,
            nhs111=reserved_for == "nhs-111",
        )
        for (
            practice_id,
            session_id,
            start,
            end,
            role,
            channel,
            hub_opens,
            hub_closes,
            urgent_care,
            online,
            reserved_for,
        ) in rows.iterator(chunk_size=2000)
    )
    hub = (organisation.name, organisation.ods_code) if organisation.is_hub else None
    return compliance(
        slots,
        {p.pk: (p.name, p.ods_code, p.list_size) for p in practices},
        monday=monday,
        hub=hub,
    )
