"""Reads for the diary screens: a practice's own sessions, the pooled diary across practices
and sites, and loaders that fetch one session, slot or booking for the acting organisation
or 404.

Every read here is a fixed number of queries whatever the number of sessions, slots or
practices shown: rules, slots and live bookings are prefetched, and who may book what is
decided in Python by the pure release rules. A booking is shown only if governance's access
rules let the viewer see its patient; the pages audit each list of patients they show.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from booking.models import Audience, Booking, Session, Slot
from booking.release_rules import decisions, stored
from booking.release_rules.terms import Code
from booking.selectors import pooled_practices
from core.time import london_date, london_day_start
from governance.access import Purpose, decide, visible
from governance.actions import Action
from governance.audit import Actor
from practices.models import Organisation, Site

DAY, WEEK = "day", "week"


@dataclass(frozen=True)
class Window:
    """The days a diary page shows: one day, or the Monday-to-Sunday week holding `day`."""

    first: datetime.date
    days: int

    @classmethod
    def around(cls, day: datetime.date, view: str) -> "Window":
        if view == WEEK:
            return cls(first=day - datetime.timedelta(days=day.weekday()), days=7)
        return cls(first=day, days=1)

    @property
    def view(self) -> str:
        return WEEK if self.days == 7 else DAY

    @property
    def last(self) -> datetime.date:
        return self.first + datetime.timedelta(days=self.days - 1)

    @property
    def start(self) -> datetime.datetime:
        return london_day_start(self.first)

    @property
    def end(self) -> datetime.datetime:
        return london_day_start(self.first + datetime.timedelta(days=self.days))

    @property
    def dates(self) -> list[datetime.date]:
        return [self.first + datetime.timedelta(days=n) for n in range(self.days)]

    @property
    def previous(self) -> datetime.date:
        return self.first - datetime.timedelta(days=self.days)

    @property
    def following(self) -> datetime.date:
        return self.first + datetime.timedelta(days=self.days)


# What a diary shows ------------------------------------------------------------------------


@dataclass
class SlotRow:
    """One slot as the viewer sees it.

    `state` is the slot's status, or for a free slot "past", "embargoed" (bookable by the
    viewer from `opens_at`), "closed" (past the cut-off) or "reserved" (kept for NHS 111).
    `booking` is the live booking, given only to the organisation that made it and the
    practice that owns the slot.
    """

    slot: Slot
    state: str
    booking: Booking | None = None
    opens_at: datetime.datetime | None = None

    @property
    def bookable(self) -> bool:
        return self.state == Slot.Status.FREE


@dataclass
class SessionRow:
    session: Session
    released_to: list[str]
    slots: list[SlotRow] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for row in self.slots if row.state == state)

    @property
    def free(self) -> int:
        return self.count(Slot.Status.FREE)

    @property
    def booked(self) -> int:
        return self.count(Slot.Status.BOOKED)

    @property
    def blocked(self) -> int:
        return self.count(Slot.Status.BLOCKED)


@dataclass
class DiaryDay:
    day: datetime.date
    sessions: list[SessionRow]


def _live_bookings(actor: Actor) -> Prefetch:
    """Each slot's live booking, where the viewer may see its patient."""
    bookings = Booking.objects.exclude(status=Booking.Status.CANCELLED).select_related(
        "patient", "booking_organisation"
    )
    return Prefetch(
        "bookings", queryset=visible(actor, Purpose.BOOK, bookings), to_attr="live_bookings"
    )


def _sessions(
    actor: Actor, sessions: QuerySet[Session], slots: QuerySet[Slot]
) -> QuerySet[Session]:
    return (
        sessions.select_related("practice", "site", "clinician")
        .prefetch_related(
            "rules",
            Prefetch(
                "slots", queryset=slots.order_by("start").prefetch_related(_live_bookings(actor))
            ),
        )
        .order_by("starts_at", "practice__name", "site__name", "pk")
    )


def _by_day(window: Window, rows: list[SessionRow]) -> list[DiaryDay]:
    days = {day: DiaryDay(day, []) for day in window.dates}
    for row in rows:
        day = london_date(row.session.starts_at)
        if day in days:
            days[day].sessions.append(row)
    return list(days.values())


def practice_diary(*, actor: Actor, window: Window) -> list[DiaryDay]:
    """The acting practice's own sessions in the window, cancelled ones too, with every slot
    and the live booking in it."""
    sessions = _sessions(
        actor,
        Session.objects.filter(
            practice=actor.membership.organisation,
            starts_at__gte=window.start,
            starts_at__lt=window.end,
        ),
        Slot.objects.all(),
    )
    rows = []
    for session in sessions:
        row = SessionRow(session, stored.describe_rules(session.rules.all()))
        for slot in session.slots.all():
            booking = slot.live_bookings[0] if slot.live_bookings else None
            row.slots.append(SlotRow(slot, _own_state(slot), booking))
        rows.append(row)
    return _by_day(window, rows)


RESERVED = "reserved"


def _own_state(slot: Slot) -> str:
    """A slot's state as its own practice sees it: a free one may be kept for NHS 111."""
    return RESERVED if slot.status == Slot.Status.FREE and slot.reserved_for else slot.status


_RELEASED = {
    Audience.HUB: Q(hub_opens_at__isnull=False),
    Audience.URGENT_CARE: Q(urgent_care_opens_at__isnull=False),
    Audience.ONLINE: Q(online_opens_at__isnull=False),
}


# How far ahead the diary looks for a day worth opening on.
OPENING_HORIZON = datetime.timedelta(days=14)


def first_day_with_free_slots(
    organisation: Organisation, *, now: datetime.datetime
) -> datetime.date | None:
    """The first day, from today, with a free slot released to the organisation at a
    practice it books into: what the pooled diary opens on when no day is asked for, so a
    receptionist on a quiet Saturday does not start from an empty page. One query."""
    audience = stored.audience_for(organisation)
    if audience not in stored.AUDIENCE_COLUMNS:
        return None
    _, closes = stored.AUDIENCE_COLUMNS[audience]
    first = (
        Slot.objects.filter(
            _RELEASED[audience],
            practice__in=pooled_practices(organisation),
            status=Slot.Status.FREE,
            start__gt=now,
            start__lt=now + OPENING_HORIZON,
            **{f"{closes}__gt": now},
        )
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )
    return london_date(first) if first else None


def pooled_diary(
    *, actor: Actor, window: Window, practice: Organisation | None = None
) -> list[DiaryDay]:
    """Published sessions at the practices the acting organisation books into, with the
    slots released to its audience; free slots say whether the viewer may book them now."""
    organisation = actor.membership.organisation
    practices = pooled_practices(organisation)
    if practice is not None:
        practices = practices.filter(pk=practice.pk)
    audience = stored.audience_for(organisation)
    sessions = _sessions(
        actor,
        Session.objects.filter(
            practice__in=practices,
            status=Session.Status.PUBLISHED,
            starts_at__gte=window.start,
            starts_at__lt=window.end,
        ),
        # Slots kept for NHS 111 show to everyone who pools them, bookable or not.
        Slot.objects.filter(_RELEASED.get(audience, Q()) | ~Q(reserved_for="")).exclude(
            status=Slot.Status.WITHDRAWN
        ),
    )
    searcher = stored.searcher_for(organisation)
    now = timezone.now()
    rows = []
    for session in sessions:
        rules = list(session.rules.all())
        row = SessionRow(session, stored.describe_rules(rules))
        for slot in session.slots.all():
            slot_row = _as_seen_by(slot, session, rules, organisation, searcher, now)
            if slot_row is not None:
                row.slots.append(slot_row)
        if row.slots:
            rows.append(row)
    return _by_day(window, rows)


def _as_seen_by(slot, session, rules, organisation, searcher, now) -> SlotRow | None:
    if slot.status != Slot.Status.FREE:
        booking = slot.live_bookings[0] if slot.live_bookings else None
        if booking and organisation.pk not in (booking.booking_organisation_id, slot.practice_id):
            booking = None
        return SlotRow(slot, slot.status, booking)
    facts = stored.slot_facts(
        start=slot.start,
        practice_ods=session.practice.ods_code,
        rules=stored.rules_for(slot, rules),
    )
    verdict = decisions.may_see(facts, searcher, now)
    if verdict.allowed:
        return SlotRow(slot, Slot.Status.FREE)
    if slot.reserved_for and verdict.code != Code.IN_THE_PAST:
        return SlotRow(slot, RESERVED)
    match verdict.code:
        case Code.IN_THE_PAST:
            return SlotRow(slot, "past")
        case Code.EMBARGOED:
            return SlotRow(slot, "embargoed", opens_at=decisions.opens_at(facts, searcher, now))
        case Code.CUT_OFF:
            return SlotRow(slot, "closed")
    return None  # released to named organisations, and not this one


# Loaders -----------------------------------------------------------------------------------


def get_practice_session_or_404(*, actor: Actor, public_id) -> Session:
    """One of the acting practice's own sessions, with its rules, slots and live bookings."""
    session = (
        _sessions(
            actor,
            Session.objects.filter(practice=actor.membership.organisation),
            Slot.objects.all(),
        )
        .filter(public_id=public_id)
        .first()
    )
    if session is None:
        raise Http404("No session found.")
    return session


def patients_shown(rows: list[SlotRow]) -> list:
    """The patients a list of slot rows names, for its audit event."""
    return [row.booking.patient for row in rows if row.booking]


def session_rows(session: Session) -> list[SlotRow]:
    """A loaded session's slots with the live booking in each."""
    return [
        SlotRow(slot, _own_state(slot), slot.live_bookings[0] if slot.live_bookings else None)
        for slot in session.slots.all()
    ]


def get_practice_slot_or_404(*, practice: Organisation, public_id) -> Slot:
    slot = (
        Slot.objects.select_related("session", "site", "clinician")
        .filter(practice=practice, public_id=public_id)
        .first()
    )
    if slot is None:
        raise Http404("No slot found.")
    return slot


def get_booking_for_or_404(
    *, actor: Actor, public_id, action: Action = Action.BOOKING_VIEW
) -> Booking:
    """A booking the acting organisation made, or one into its own slots, whose patient the
    access rules let it see; anyone else gets 404. Showing it shows the patient: decided
    and audited through governance's door."""
    organisation = actor.membership.organisation
    booking = (
        Booking.objects.select_related(
            "patient__registered_practice",
            "booking_organisation",
            "booked_by",
            "cancelled_by",
            "slot__practice",
            "slot__site",
            "slot__clinician",
            "slot__session",
        )
        .filter(Q(booking_organisation=organisation) | Q(slot__practice=organisation))
        .filter(public_id=public_id)
        .first()
    )
    if booking is None or not decide(
        actor, booking.patient, Purpose.BOOK, action=action, obj=booking
    ):
        raise Http404("No booking found.")
    return booking


def pooled_practice_choices(organisation: Organisation) -> list[Organisation]:
    return list(pooled_practices(organisation).only("pk", "public_id", "name"))


def search_choices(
    organisation: Organisation,
) -> tuple[list[Organisation], list[Site], list[str]]:
    """The practices, sites and slot types a searcher may narrow by: three queries."""
    practices = pooled_practice_choices(organisation)
    sites = list(
        Site.objects.filter(organisation__in=[p.pk for p in practices], is_active=True)
        .only("pk", "public_id", "name", "postcode")
        .order_by("name")
    )
    slot_types = list(
        Session.objects.filter(
            practice__in=[p.pk for p in practices],
            status=Session.Status.PUBLISHED,
            ends_at__gt=timezone.now(),
        )
        .order_by("slot_type")
        .values_list("slot_type", flat=True)
        .distinct()
    )
    return practices, sites, slot_types
