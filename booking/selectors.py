"""Reads for the hub diary: which practices pool with whom, the slot a booking starts from,
and bookings into a practice or made by an organisation. Free-slot search is `search.py`.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from booking.models import Booking, Session, Slot
from core.db import CompiledLookup, prepared_cursor
from governance.access import Purpose, visible
from governance.agreements import active_agreement_sql, active_agreements
from governance.audit import Actor
from governance.models import Scope
from practices.models import Organisation


def _pooling_agreements(organisation: Organisation) -> QuerySet:
    """Active booking agreements with practices (for a hub, its members) that let this
    organisation book their slots."""
    agreed = active_agreements(partner=organisation, scope=Scope.BOOKING).filter(
        practice__kind=Organisation.Kind.GP_PRACTICE
    )
    if organisation.is_hub:
        agreed = agreed.filter(practice__hubs=organisation)
    return agreed


def pooled_practices(organisation: Organisation) -> QuerySet[Organisation]:
    """The practices whose slots this organisation may book: its own if it is a practice;
    otherwise those with an active booking agreement with it (and, for a hub, members)."""
    if organisation.is_practice:
        return Organisation.objects.filter(pk=organisation.pk)
    agreed = _pooling_agreements(organisation).values("practice")
    return Organisation.objects.filter(pk__in=agreed).order_by("name")


# Search's first step, written out: the ORM's version of this small query cost twice what
# the database takes to run it. `_pooling_agreements` is the definition (a test holds the
# two equal); the agreements are active as governance.agreements.active_agreements says.
_POOLED_SQL = """
SELECT a.practice_id
FROM governance_sharingagreement a
JOIN practices_organisation p ON p.id = a.practice_id
WHERE a.partner_id = %s AND p.kind = %s AND {active}
"""
_HUB_MEMBERS_ONLY = """
  AND a.practice_id IN (
    SELECT to_organisation_id FROM practices_organisation_member_practices
    WHERE from_organisation_id = %s
  )
"""


def pooled_practice_ids(organisation: Organisation) -> list[int]:
    """`pooled_practices`' keys, in one query on the agreements."""
    if organisation.is_practice:
        return [organisation.pk]
    active, values = active_agreement_sql("a", Scope.BOOKING)
    sql = _POOLED_SQL.format(active=active)
    params = [organisation.pk, Organisation.Kind.GP_PRACTICE, *values]
    if organisation.is_hub:
        sql += _HUB_MEMBERS_ONLY
        params.append(organisation.pk)
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        return sorted({practice_id for (practice_id,) in cursor.fetchall()})


def get_slot_for_booking_or_404(*, actor: Actor, public_id) -> Slot:
    """A slot the acting organisation may book into: one of its pooled practices'. Release
    rules are checked again, under lock, when booking.

    The slot by its key, then its practice checked against the pooled practices' keys: two
    small statements, where one joining the agreements cost PostgreSQL a millisecond of
    planning on every booking."""
    try:
        slot = _SLOT_TO_BOOK.get(public_id)
    except ValidationError:  # not a UUID
        slot = None
    if slot is None or slot.practice_id not in pooled_practice_ids(actor.membership.organisation):
        raise Http404("No slot found.")
    return slot


# Every booking starts here: compiled once (see core.db), with what booking and its
# confirmation read: the practice's clinical system for the write-back, where and who.
_SLOT_TO_BOOK = CompiledLookup(
    Slot.objects.select_related("practice__clinical_system_link", "site", "clinician", "session"),
    "public_id",
)


def bookings_into(
    *, actor: Actor, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Booking]:
    """Every booking into the acting practice's slots in a window whose patient the access
    rules let it see (as a practice it sees who is booked into its clinic): what the
    practice must see. A page shown is audited by the caller."""
    bookings = Booking.objects.filter(
        slot__practice=actor.membership.organisation, start__gte=start, start__lt=end
    ).select_related("patient", "booking_organisation", "slot__site", "slot__clinician")
    return visible(actor, Purpose.BOOK, bookings).order_by("start", "pk")


def bookings_by(
    *, actor: Actor, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Booking]:
    """The bookings the acting organisation made in a window, whose patient it may see."""
    bookings = Booking.objects.filter(
        booking_organisation=actor.membership.organisation, start__gte=start, start__lt=end
    ).select_related("patient", "slot__practice", "slot__site", "slot__clinician")
    return visible(actor, Purpose.BOOK, bookings).order_by("start", "pk")


@dataclass(frozen=True)
class Appointments:
    """A patient's appointments across the hub: the next ones, and the latest past ones."""

    upcoming: list[Booking]
    recent: list[Booking]

    def __bool__(self) -> bool:
        return bool(self.upcoming or self.recent)


def patient_appointments(actor: Actor, patient, *, shown: int = 10) -> Appointments:
    """The patient's appointments the actor may see, at any practice, not cancelled: up to
    `shown` upcoming and `shown` past. The caller audits the listing."""
    bookings = visible(
        actor,
        Purpose.BOOK,
        Booking.objects.select_related("slot__practice", "slot__site", "slot__clinician").filter(
            patient=patient
        ),
    ).exclude(status=Booking.Status.CANCELLED)
    now = timezone.now()
    return Appointments(
        upcoming=list(bookings.filter(start__gte=now).order_by("start")[:shown]),
        recent=list(bookings.filter(start__lt=now).order_by("-start")[:shown]),
    )


def sessions_of(*, actor: Actor, start: datetime.datetime) -> QuerySet[Session]:
    """The acting practice's own sessions starting from `start`, cancelled ones too."""
    return Session.objects.filter(
        practice=actor.membership.organisation, starts_at__gte=start
    ).select_related("site", "clinician")


def to_come_in_series(session: Session, *, now: datetime.datetime) -> QuerySet[Session]:
    """The later sessions of a session's weekly series that are still to come (none for a
    session held once)."""
    if session.series is None:
        return Session.objects.none()
    return Session.objects.filter(
        practice_id=session.practice_id,
        series=session.series,
        starts_at__gt=max(session.starts_at, now),
    ).order_by("starts_at")
