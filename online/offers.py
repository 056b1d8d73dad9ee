"""The waiting list fills freed slots: when a slot comes free (a cancellation, a new session,
a release), the first waiting patient it suits is offered it, held for them for a while;
accepting books it, declining or letting the time run out passes it to the next.

A cancellation offers its slot at once, in the cancellation's own transaction. A job
(`online.offer_free_slots`, every few minutes) does the rest: it expires offers and entries
whose time is up, passes their slots on, and offers slots that came free some other way.
Run twice, or on two workers at once, it offers and sends each offer once: an open offer is
unique per slot and per entry, and its message is keyed by the offer.
"""

import datetime
import hashlib
import logging
import secrets
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from booking.changes import Change
from booking.holds import hold_slot, let_go
from booking.models import Booking, Slot, SlotHold
from booking.search_online import bookable_online
from booking.services.own import book_held_slot, future_online_bookings
from core.time import day_and_time, to_london
from governance.actions import Action
from governance.audit import Actor, record_event
from notifications.services import send_email, send_sms
from online.accounts import account_for_patient
from online.models import Offer, WaitingListEntry
from online.policy import policy_of, practices_of
from practices.models import Organisation

logger = logging.getLogger(__name__)

ENTRY_LIFETIME = datetime.timedelta(days=28)
# The job looks at most this many free slots per hub per run.
_SLOTS_PER_RUN = 200


class OfferGone(Exception):
    """The offer was answered, withdrawn or has expired; words for the patient."""


def offer_holder(offer_id: uuid.UUID) -> str:
    return f"offer:{offer_id}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Matching --------------------------------------------------------------------------------


def suits(entry: WaitingListEntry, slot: Slot, site_ids: set[int] | None = None) -> bool:
    """Whether the slot is one the waiting patient said would do."""
    local = to_london(slot.start)
    if entry.weekdays and local.isoweekday() not in entry.weekdays:
        return False
    if entry.earliest and local.time() < entry.earliest:
        return False
    if entry.latest and local.time() > entry.latest:
        return False
    if entry.delivery_channels and slot.delivery_channel not in entry.delivery_channels:
        return False
    sites = site_ids if site_ids is not None else set(entry.sites.values_list("pk", flat=True))
    return not sites or slot.site_id in sites


def _waiting_for(hub: Organisation, now: datetime.datetime):
    open_offer = Offer.objects.filter(entry=OuterRef("pk"), status=Offer.Status.OPEN)
    return (
        WaitingListEntry.objects.filter(
            hub=hub, status=WaitingListEntry.Status.WAITING, expires_at__gt=now
        )
        .filter(~Exists(open_offer))
        .select_related("patient")
        .prefetch_related("sites")
        .order_by("created_at", "pk")
    )


def came_free_at(slot: Slot) -> datetime.datetime:
    """When the slot became one a patient online could book: published, freed or released to
    patients online, whichever was last."""
    released = slot.online_opens_at
    return max(slot.updated_at, released) if released else slot.updated_at


def _first_suited(hub: Organisation, slot: Slot, now: datetime.datetime, *, not_for=None):
    """The patient waiting longest whom the slot suits. A patient is offered what comes free
    after they join: what was free when they joined, they could book themselves."""
    policy = policy_of(hub)
    passed_over = set(
        Offer.objects.filter(slot=slot)
        .exclude(status=Offer.Status.OPEN)
        .values_list("entry", flat=True)
    )
    for entry in _waiting_for(hub, now).filter(created_at__lte=came_free_at(slot)):
        if entry.pk in passed_over or entry.patient_id == not_for:
            continue
        site_ids = {site.pk for site in entry.sites.all()}
        if not suits(entry, slot, site_ids):
            continue
        if future_online_bookings(entry.patient, now).count() >= policy.max_future_bookings:
            continue
        return entry
    return None


# Offering --------------------------------------------------------------------------------


def offer_slot(
    slot: Slot, hub: Organisation, now: datetime.datetime | None = None, *, not_for=None
) -> Offer | None:
    """Offer a free slot to the first waiting patient it suits (other than `not_for`, the
    patient who has just given it up), holding it for them. None if nobody waiting wants
    it, it is not free and released to patients online, or it is already held or offered."""
    now = now or timezone.now()
    practice_ids = practices_of(hub)
    offer_id = uuid.uuid4()
    holder = offer_holder(offer_id)
    if (
        not bookable_online(practice_ids=practice_ids, holder=holder, now=now)
        .filter(pk=slot.pk)
        .exists()
    ):
        return None
    entry = _first_suited(hub, slot, now, not_for=not_for)
    if entry is None:
        return None
    policy = policy_of(hub)
    held_for = min(policy.offer_held_for, slot.start - now - datetime.timedelta(minutes=30))
    if held_for <= datetime.timedelta(0):
        return None
    token = secrets.token_urlsafe(24)
    try:
        with transaction.atomic():
            if hold_slot(slot=slot, holder=holder, hold_for=held_for, now=now) is None:
                return None
            offer = Offer.objects.create(
                public_id=offer_id,
                entry=entry,
                slot=slot,
                token_hash=token_hash(token),
                offered_at=now,
                expires_at=now + held_for,
            )
            record_event(
                actor=Actor.system(),
                action=Action.OFFER_MAKE,
                patient=entry.patient,
                obj=offer,
                reason=f"held {int(held_for.total_seconds() // 60)} minutes",
            )
            _send_offer(offer, token)
    except IntegrityError:
        return None  # offered a moment ago by another run
    return offer


def _send_offer(offer: Offer, token: str) -> None:
    entry, slot = offer.entry, offer.slot
    patient = entry.patient
    values = {
        "name": f"{patient.given_name} {patient.family_name}",
        "when": day_and_time(slot.start),
        "place": f"{slot.practice.name}, {slot.site.name}",
        "held_until": day_and_time(offer.expires_at),
        "link": reverse("online:offer", args=[token]),
    }
    message = {
        "key": f"offer:{offer.public_id}",
        "template": "waiting-list-offer",
        "personalisation": values,
        "organisation_id": entry.hub_id,
    }
    # By text if they asked for one and have a mobile; otherwise, or failing that, email.
    if entry.contact_by == "sms" and send_sms(to=patient.mobile, **message):
        return
    send_email(to=patient.email, **message)


def offer_freed_slot(*, by: Actor, booking: Booking, change: Change) -> None:
    """A listener on booking changes: a cancelled slot still to come goes to the waiting
    list of each hub its practice pools in, first come first offered."""
    if change is not Change.CANCELLED:
        return
    # As the cancellation left it, not as the booking was loaded.
    slot = Slot.objects.select_related("practice", "site").get(pk=booking.slot_id)
    if slot.status != Slot.Status.FREE:
        return
    try:
        with transaction.atomic():
            for hub in Organisation.objects.filter(member_practices=slot.practice_id).order_by(
                "pk"
            ):
                if offer_slot(slot, hub, not_for=booking.patient_id) is not None:
                    return
    except Exception:
        # The cancellation stands whatever happens here: the job offers the slot next time.
        logger.exception("Could not offer a freed slot to the waiting list")


# Answering -------------------------------------------------------------------------------


def open_offer(token: str, now: datetime.datetime | None = None) -> Offer:
    """The open offer this link is for; OfferGone if it is no longer open."""
    now = now or timezone.now()
    offer = (
        Offer.objects.select_related("entry__patient", "slot__practice", "slot__site")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if offer is None or offer.status != Offer.Status.OPEN or offer.expires_at <= now:
        raise OfferGone("This offer has ended. The appointment may have gone to someone else.")
    return offer


def accept_offer(*, token: str, actor: Actor) -> Booking:
    """Book the offered slot for the patient it was offered to. `actor` is where the answer
    came from (the link needs no sign-in: it was sent to the patient alone)."""
    offer = open_offer(token)
    entry = offer.entry
    account = account_for_patient(entry.patient)
    patient_actor = Actor.for_patient(actor, account)
    with transaction.atomic():
        locked = Offer.objects.select_for_update().get(pk=offer.pk)
        if locked.status != Offer.Status.OPEN:
            raise OfferGone("This offer has already been answered.")
        booking = book_held_slot(
            by=patient_actor,
            slot=offer.slot,
            holder=offer_holder(offer.public_id),
            hub=entry.hub,
            description=entry.reason or "From the waiting list",
            most_to_come=policy_of(entry.hub).max_future_bookings,
        )
        now = timezone.now()
        locked.status, locked.answered_at, locked.booking = Offer.Status.ACCEPTED, now, booking
        locked.save(update_fields=["status", "answered_at", "booking"])
        entry.status, entry.closed_at = WaitingListEntry.Status.BOOKED, now
        entry.save(update_fields=["status", "closed_at"])
        record_event(
            actor=patient_actor, action=Action.OFFER_ACCEPT, patient=entry.patient, obj=locked
        )
    return booking


def decline_offer(*, token: str, actor: Actor) -> None:
    """The patient does not want it: the slot goes to the next one waiting. They stay on
    the list for another."""
    offer = open_offer(token)
    with transaction.atomic():
        locked = Offer.objects.select_for_update().get(pk=offer.pk)
        if locked.status != Offer.Status.OPEN:
            raise OfferGone("This offer has already been answered.")
        locked.status, locked.answered_at = Offer.Status.DECLINED, timezone.now()
        locked.save(update_fields=["status", "answered_at"])
        let_go(holder=offer_holder(locked.public_id))
        record_event(
            actor=Actor.for_patient(actor, account_for_patient(offer.entry.patient)),
            action=Action.OFFER_DECLINE,
            patient=offer.entry.patient,
            obj=locked,
        )
    offer_slot(offer.slot, offer.entry.hub)


# The job ---------------------------------------------------------------------------------


def offer_free_slots(now: datetime.datetime | None = None) -> int:
    """Expire what has run out, pass expired offers' slots on, and offer free slots to the
    patients waiting at each hub. Returns how many offers were made."""
    now = now or timezone.now()
    expired = list(
        Offer.objects.filter(status=Offer.Status.OPEN, expires_at__lte=now).select_related(
            "entry__hub", "slot"
        )
    )
    for offer in expired:
        with transaction.atomic():
            changed = Offer.objects.filter(pk=offer.pk, status=Offer.Status.OPEN).update(
                status=Offer.Status.EXPIRED, answered_at=now
            )
            if changed:
                let_go(holder=offer_holder(offer.public_id))
    WaitingListEntry.objects.filter(
        status=WaitingListEntry.Status.WAITING, expires_at__lte=now
    ).update(status=WaitingListEntry.Status.EXPIRED, closed_at=now)
    made = 0
    hubs = Organisation.objects.filter(
        pk__in=WaitingListEntry.objects.filter(
            status=WaitingListEntry.Status.WAITING, expires_at__gt=now
        ).values("hub")
    )
    for hub in hubs:
        offered = Offer.objects.filter(status=Offer.Status.OPEN).values("slot")
        candidates = (
            bookable_online(practice_ids=practices_of(hub), holder="", now=now)
            .exclude(pk__in=offered)
            .exclude(pk__in=SlotHold.objects.filter(expires_at__gt=now).values("slot"))
            .select_related("practice", "site")
            .order_by("start")[:_SLOTS_PER_RUN]
        )
        for slot in candidates:
            if not _waiting_for(hub, now).exists():
                break
            if offer_slot(slot, hub, now) is not None:
                made += 1
    return made
