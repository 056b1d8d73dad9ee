"""Slot import: a linked practice's free slots, as its own clinical system holds them, brought
into the hub diary and reconciled with what the hub already holds.

The practice system is searched in windows of at most 14 days (GP Connect's limit). A slot
it offers that the hub does not hold is added, in an imported session (one per day, site,
clinician, role, channel and type), released to the hub; one the hub holds that it no longer
offers is withdrawn if free, and flagged for attention (the practice system problems worklist) if a
booking stands in it that the practice system was never told of. A slot the hub booked, or
freed, while the search ran is left for the next import to judge.
"""

import datetime
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from booking.appointment_data import ServiceSetting
from booking.models import (
    Audience,
    Booking,
    DeliveryChannel,
    ReleaseRule,
    Session,
    Slot,
)
from booking.release_rules import stored
from core.time import LONDON
from governance.actions import Action
from governance.audit import Actor, record_event
from practices.clinical_systems import links
from practices.clinical_systems.base import ClinicalSystem, PracticeSlot, Requester
from practices.models import ClinicalSystemLink, Clinician, Site
from writeback.models import WriteBackMessage

logger = logging.getLogger(__name__)

WINDOW_DAYS = 14  # GP Connect searches at most 14 days at a time
HORIZON_DAYS = 28
# Bookings the practice system holds, or is about to: their slot is not free there.
WRITTEN_BACK = (Booking.WriteBack.PENDING, Booking.WriteBack.CONFIRMED)


@dataclass(frozen=True)
class ImportReport:
    added: int = 0
    withdrawn: int = 0
    restored: int = 0
    flagged: int = 0
    skipped: int = 0  # offered slots Hub Diary cannot hold (an unknown role or channel)


def search_windows(
    first: datetime.date, days: int, size: int = WINDOW_DAYS
) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive windows covering `days` days from `first`, each `size` days at most,
    as (first day, last day) with both days included."""
    windows = []
    start = first
    last = first + datetime.timedelta(days=days - 1)
    while start <= last:
        end = min(start + datetime.timedelta(days=size - 1), last)
        windows.append((start, end))
        start = end + datetime.timedelta(days=1)
    return windows


def import_practice_slots(
    *,
    link: ClinicalSystemLink,
    horizon_days: int = HORIZON_DAYS,
    system_for: Callable[[ClinicalSystemLink], ClinicalSystem] | None = None,
) -> ImportReport:
    """Fetch the practice's free slots for the coming `horizon_days` and reconcile."""
    practice = link.practice
    requester = Requester(
        organisation_ods=practice.ods_code,
        organisation_name=practice.name,
        user_id="hub-diary-slot-import",
        user_name="Hub Diary slot import",
    )
    system = (system_for or links.clinical_system_for)(link)
    started = timezone.now()
    today = timezone.localtime(started, LONDON).date()
    offered: dict[str, PracticeSlot] = {}
    try:
        for first, last in search_windows(today, horizon_days):
            for slot in system.search_free_slots(
                requester=requester, practice_ods=practice.ods_code, start=first, end=last
            ):
                offered.setdefault(slot.external_id, slot)
    except Exception as error:
        ClinicalSystemLink.objects.filter(pk=link.pk).update(
            last_error=f"Slot import: {type(error).__name__}: {error}"[:300],
            last_error_at=timezone.now(),
        )
        raise
    horizon_end = datetime.datetime.combine(
        today + datetime.timedelta(days=horizon_days), datetime.time(0), LONDON
    )
    report = _reconcile(link, offered, started=started, until=horizon_end)
    ClinicalSystemLink.objects.filter(pk=link.pk).update(last_success_at=timezone.now())
    return report


@transaction.atomic
def _reconcile(
    link: ClinicalSystemLink,
    offered: dict[str, PracticeSlot],
    *,
    started: datetime.datetime,
    until: datetime.datetime,
) -> ImportReport:
    practice = link.practice
    # One import per practice at a time: the link's row is the lock.
    ClinicalSystemLink.objects.select_for_update().get(pk=link.pk)
    now = timezone.now()
    held = {
        slot.external_id: slot
        for slot in Slot.objects.select_for_update(of=("self",))
        .filter(
            practice=practice,
            session__source=Session.Source.IMPORTED,
            start__gte=now,
            start__lt=until,
        )
        .exclude(external_id="")
    }
    added = restored = withdrawn = flagged = skipped = 0
    sites = list(Site.objects.filter(organisation=practice, is_active=True).order_by("name"))
    clinicians = list(Clinician.objects.filter(organisation=practice, is_active=True))
    sessions: dict[str, Session] = {}
    for external_id, offer in offered.items():
        if offer.start <= now or offer.start >= until:
            continue
        slot = held.get(external_id)
        if slot is None:
            site = _site_for(offer, sites)
            if (
                site is None
                or offer.practitioner_role not in Clinician.JobRole.values
                or offer.delivery_channel not in DeliveryChannel.values
                or offer.end <= offer.start
            ):
                skipped += 1
                continue
            session = _session_for(link, offer, site, _clinician_for(offer, clinicians), sessions)
            Slot.objects.create(
                session=session,
                practice=practice,
                site=site,
                clinician=session.clinician,
                practitioner_role=offer.practitioner_role,
                delivery_channel=offer.delivery_channel,
                slot_type=offer.slot_type[:60],
                start=offer.start,
                end=offer.end,
                external_id=external_id,
                **stored.release_columns(list(session.rules.all()), offer.start),
            )
            added += 1
        elif slot.status == Slot.Status.WITHDRAWN and slot.vanished_at is not None:
            slot.status, slot.vanished_at = Slot.Status.FREE, None
            slot.save(update_fields=["status", "vanished_at", "updated_at"])
            restored += 1
        elif slot.vanished_at is not None:
            slot.vanished_at = None
            slot.save(update_fields=["vanished_at", "updated_at"])
    gone = [slot for external_id, slot in held.items() if external_id not in offered]
    unsettled = _changed_while_searching(gone, started)
    for slot in gone:
        if slot.pk in unsettled or slot.vanished_at is not None:
            continue
        if slot.status == Slot.Status.FREE:
            slot.status, slot.vanished_at = Slot.Status.WITHDRAWN, now
            slot.save(update_fields=["status", "vanished_at", "updated_at"])
            withdrawn += 1
        elif slot.status == Slot.Status.BOOKED and _needs_attention(slot):
            slot.vanished_at = now
            slot.save(update_fields=["vanished_at", "updated_at"])
            flagged += 1
    report = ImportReport(added, withdrawn, restored, flagged, skipped)
    if added or withdrawn or restored or flagged:
        record_event(
            actor=Actor.system(),
            action=Action.SLOT_IMPORT,
            obj=link,
            reason=(f"added={added},withdrawn={withdrawn},restored={restored},flagged={flagged}"),
        )
    return report


def _changed_while_searching(slots: list[Slot], started: datetime.datetime) -> set[int]:
    """Slots booked or freed in the hub since the search began, or with a write-back still
    on its way: the practice system's answer may predate them."""
    ids = [slot.pk for slot in slots]
    changed = {slot.pk for slot in slots if slot.updated_at >= started}
    changed |= set(
        WriteBackMessage.objects.filter(booking__slot_id__in=ids)
        .filter(Q(state__in=WriteBackMessage.OPEN_STATES) | Q(updated_at__gte=started))
        .values_list("booking__slot_id", flat=True)
    )
    return changed


def _needs_attention(slot: Slot) -> bool:
    """A booking stands in the slot that the practice system does not hold or expect."""
    live = slot.bookings.exclude(status=Booking.Status.CANCELLED).first()
    return live is not None and live.write_back not in WRITTEN_BACK


def _site_for(offer: PracticeSlot, sites: list[Site]) -> Site | None:
    named = [s for s in sites if s.name.casefold() == offer.site_name.casefold()]
    return (named or sites or [None])[0]


def _clinician_for(offer: PracticeSlot, clinicians: list[Clinician]) -> Clinician | None:
    wanted = offer.practitioner_name.casefold().strip()
    if not wanted:
        return None
    for clinician in clinicians:
        names = {str(clinician).casefold(), f"{clinician.given_name} {clinician.family_name}"}
        if wanted in {name.casefold() for name in names}:
            return clinician
    return None


def _session_for(
    link: ClinicalSystemLink,
    offer: PracticeSlot,
    site: Site,
    clinician: Clinician | None,
    sessions: dict[str, Session],
) -> Session:
    """The imported session this slot belongs to, widened to hold it; made if new."""
    day = timezone.localtime(offer.start, LONDON).date()
    key = "|".join(
        [
            day.isoformat(),
            str(site.pk),
            offer.practitioner_name,
            offer.practitioner_role,
            offer.delivery_channel,
            offer.slot_type,
        ]
    )
    external_id = "import:" + hashlib.sha256(key.encode()).hexdigest()[:40]
    session = sessions.get(external_id) or (
        Session.objects.select_for_update()
        .filter(practice=link.practice, source=Session.Source.IMPORTED, external_id=external_id)
        .first()
    )
    minutes = max(5, min(240, round((offer.end - offer.start).total_seconds() / 60)))
    if session is None:
        session = Session.objects.create(
            practice=link.practice,
            site=site,
            clinician=clinician,
            practitioner_role=offer.practitioner_role,
            session_type=offer.slot_type[:60] or "Imported",
            slot_type=offer.slot_type[:60] or "Imported",
            delivery_channel=offer.delivery_channel,
            starts_at=offer.start,
            ends_at=offer.end,
            slot_minutes=minutes,
            source=Session.Source.IMPORTED,
            external_id=external_id,
            # Offered to the hub; its national category is the practice manager's to map.
            service_setting=ServiceSetting.EXTENDED_ACCESS,
        )
        ReleaseRule.objects.create(session=session, audience=Audience.HUB)
    elif offer.start < session.starts_at or offer.end > session.ends_at:
        session.starts_at = min(session.starts_at, offer.start)
        session.ends_at = max(session.ends_at, offer.end)
        session.save(update_fields=["starts_at", "ends_at", "updated_at"])
    sessions[external_id] = session
    return session
