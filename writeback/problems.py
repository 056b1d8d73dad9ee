"""Reads for the practice system problems worklist: write-backs that need a person (a conflict with
the practice system, a practice that refused, retries given up, a booking GP Connect cannot
write that must be entered by hand) and bookings whose slot the
practice system no longer offers, for the organisation that made the booking and the
practice that owns the slot.

Each list is one query however many rows it shows.
"""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from booking.models import Booking
from governance.access import Purpose, decide
from governance.actions import Action
from governance.audit import Actor
from practices.models import ClinicalSystemLink, Organisation
from writeback.models import WriteBackMessage

# The reason a booking moved out of a slot the practice system had filled is cancelled with.
CONFLICT_REASON = "The practice filled the slot in its own system"


def _involving(organisation: Organisation, prefix: str = "") -> Q:
    return Q(**{f"{prefix}booking_organisation": organisation}) | Q(
        **{f"{prefix}slot__practice": organisation}
    )


def problems_for(organisation: Organisation) -> QuerySet[WriteBackMessage]:
    """Open write-back problems for bookings the organisation made or holds, newest first."""
    return (
        WriteBackMessage.objects.filter(
            _involving(organisation, "booking__"),
            state__in=WriteBackMessage.PROBLEM_STATES,
            resolved_at__isnull=True,
        )
        .select_related(
            "booking__patient",
            "booking__booking_organisation",
            "booking__slot__practice",
            "booking__slot__site",
        )
        .order_by("-created_at", "-id")
    )


def hand_entries_for(organisation: Organisation) -> QuerySet[WriteBackMessage]:
    """Changes waiting to be entered by hand in the practice system (ADR 0003)."""
    return problems_for(organisation).filter(state=WriteBackMessage.State.MANUAL)


def vanished_bookings_for(organisation: Organisation) -> QuerySet[Booking]:
    """Live, future bookings into slots the practice system stopped offering."""
    return (
        Booking.objects.filter(
            _involving(organisation),
            slot__vanished_at__isnull=False,
            start__gt=timezone.now(),
        )
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("patient", "booking_organisation", "slot__practice", "slot__site")
        .order_by("start")
    )


def get_problem_for_or_404(
    *, actor: Actor, public_id: UUID, action: Action = Action.WRITE_BACK_VIEW
) -> WriteBackMessage:
    """One problem with a booking the acting organisation made or holds, whose patient the
    access rules let it see; anyone else gets 404. It shows the patient: decided and
    audited through governance's door."""
    organisation = actor.membership.organisation
    message = (
        problems_for(organisation)
        .select_related("booking__slot__clinician", "booking__slot__session")
        .filter(public_id=public_id)
        .first()
    )
    if message is None or not decide(
        actor, message.booking.patient, Purpose.BOOK, action=action, obj=message.booking
    ):
        raise Http404("No write-back problem found.")
    return message


def link_of(practice: Organisation) -> ClinicalSystemLink | None:
    return (
        ClinicalSystemLink.objects.filter(practice=practice).select_related("switched_by").first()
    )


def waiting_for(practice: Organisation) -> QuerySet[WriteBackMessage]:
    """Changes to the practice's bookings still on their way to its system."""
    return WriteBackMessage.objects.filter(
        booking__slot__practice=practice, state__in=WriteBackMessage.OPEN_STATES
    )
