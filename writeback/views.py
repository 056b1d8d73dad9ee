"""The practice system problems worklist: write-backs the practice system would not take, for the
organisation that booked and the practice that owns the slot; rebooking a conflict in one
step; retrying a write-back that gave up; marking done a booking entered by hand. And the
practice manager's switch for the practice's link to its clinical system."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booking.errors import BookingChanged, BookingError, SlotTaken
from booking.search import nearest_alternatives
from booking.selectors import get_slot_for_booking_or_404
from booking.services import bookings
from core.ids import validate_uuid
from governance.access import Purpose, audit_listing, visible
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm
from writeback import problems, services
from writeback.models import WriteBackMessage

# The worklist shows this many of each kind, soonest first: it is for acting on, not history.
WORKLIST_SIZE = 200


def _load(request: HttpRequest, message_id: UUID, action: Action) -> WriteBackMessage:
    return problems.get_problem_for_or_404(
        actor=Actor.from_request(request), public_id=message_id, action=action
    )


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
def problem_list(request: HttpRequest) -> HttpResponse:
    organisation = request.acting.organisation
    actor = Actor.from_request(request)
    found = list(
        visible(actor, Purpose.BOOK, problems.problems_for(organisation), via="booking__patient")[
            :WORKLIST_SIZE
        ]
    )
    vanished = list(
        visible(actor, Purpose.BOOK, problems.vanished_bookings_for(organisation))[:WORKLIST_SIZE]
    )
    audit_listing(
        actor,
        Purpose.BOOK,
        action=Action.WRITE_BACK_LIST,
        patients=[m.booking.patient for m in found] + [b.patient for b in vanished],
    )
    return render(
        request,
        "writeback/problems.html",
        {"problems": found, "vanished": vanished},
    )


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
def problem_detail(request: HttpRequest, message_id: UUID) -> HttpResponse:
    message = _load(request, message_id, Action.WRITE_BACK_VIEW)
    return _render_problem(request, message)


def _render_problem(
    request: HttpRequest, message: WriteBackMessage, *, error: str = "", status: int = 200
) -> HttpResponse:
    booking = message.booking
    alternatives = []
    if message.state == WriteBackMessage.State.CONFLICT and booking.is_live:
        alternatives = nearest_alternatives(actor=Actor.from_request(request), slot=booking.slot)
    context = {
        "message": message,
        "booking": booking,
        "alternatives": alternatives,
        "can_retry": message.state in (WriteBackMessage.State.DEAD, WriteBackMessage.State.FAILED)
        and (booking.is_live or message.operation == WriteBackMessage.Operation.CANCEL),
        "error": error,
    }
    return render(request, "writeback/problem.html", context, status=status)


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_POST
def problem_rebook(request: HttpRequest, message_id: UUID) -> HttpResponse:
    """Move the patient from the slot the practice filled into the chosen alternative: one
    step, both halves or neither."""
    message = _load(request, message_id, Action.WRITE_BACK_REBOOK)
    actor = Actor.from_request(request)
    chosen = validate_uuid(request.POST.get("slot", ""))
    version = request.POST.get("version", "")
    if chosen is None or not version.isdigit():
        messages.error(request, "Choose one of the slots offered, then try again.")
        return redirect("writeback:problem", message_id=message.public_id)
    new_slot = get_slot_for_booking_or_404(actor=actor, public_id=chosen)
    try:
        moved = bookings.rebook(
            by=actor,
            booking=message.booking,
            new_slot=new_slot,
            reason=problems.CONFLICT_REASON,
            expected_version=int(version),
        )
    except SlotTaken:
        error = "Someone has just booked that slot. Choose another."
    except BookingChanged:
        error = "Someone changed this booking a moment ago. Check it and try again."
    except BookingError as failure:
        error = failure.message
    else:
        messages.success(request, "Appointment moved. Tell the patient the new time.")
        return redirect("booking:confirmation", booking_id=moved.public_id)
    message.booking.refresh_from_db()
    return _render_problem(request, message, error=error, status=409)


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_POST
def problem_retry(request: HttpRequest, message_id: UUID) -> HttpResponse:
    message = _load(request, message_id, Action.WRITE_BACK_RETRY)
    try:
        services.retry_write_back(by=Actor.from_request(request), message=message)
    except BookingError as failure:
        messages.error(request, failure.message)
        return redirect("writeback:problem", message_id=message.public_id)
    messages.success(request, "Sent to the practice system again.")
    return redirect("writeback:problems")


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_POST
def problem_done(request: HttpRequest, message_id: UUID) -> HttpResponse:
    """Someone entered the change in the practice system by hand."""
    message = _load(request, message_id, Action.WRITE_BACK_ENTERED)
    try:
        services.mark_entered_by_hand(by=Actor.from_request(request), message=message)
    except BookingError as failure:
        messages.error(request, failure.message)
        return redirect("writeback:problem", message_id=message.public_id)
    messages.success(request, "Marked as entered in the practice system.")
    return redirect("writeback:problems")


@staff_view(Perm.MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def clinical_system_link(request: HttpRequest) -> HttpResponse:
    """The practice manager turns the practice's link to its clinical system on or off."""
    practice = request.acting.organisation
    if not practice.is_practice:
        raise PermissionDenied("Only a GP practice has a clinical system to link.")
    link = problems.link_of(practice)
    if request.method == "POST":
        wanted = request.POST.get("enabled")
        if link is None or wanted not in ("on", "off"):
            messages.error(request, "Choose whether to turn the link on or off.")
        else:
            link = services.switch_clinical_system_link(
                by=Actor.from_request(request), practice=practice, enabled=wanted == "on"
            )
            messages.success(
                request,
                "The link is on: bookings are written to your clinical system."
                if link.enabled
                else "The link is off: nothing is sent to your clinical system.",
            )
            by_hand = problems.hand_entries_for(practice).count() if link.enabled else 0
            if by_hand:
                messages.warning(
                    request,
                    f"{by_hand} booking{'s' if by_hand > 1 else ''} made in Hub Diary "
                    f"{'are' if by_hand > 1 else 'is'} not in your clinical system: enter "
                    f"{'them' if by_hand > 1 else 'it'} by hand from the practice system "
                    "problems list.",
                )
        return redirect("writeback:clinical_system_link")
    waiting = problems.waiting_for(practice).count() if link else 0
    return render(request, "writeback/link.html", {"link": link, "waiting": waiting})
