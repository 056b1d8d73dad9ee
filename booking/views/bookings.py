"""One booking: see it, change its details, cancel it, move it to another slot, and record
what happened."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booking import diaries
from booking.errors import BookingChanged, BookingError, InvalidBookingChange, SlotTaken
from booking.forms.bookings import (
    AmendBookingForm,
    AttendanceForm,
    CancelBookingForm,
    RebookForm,
)
from booking.models import Booking
from booking.selectors import get_slot_for_booking_or_404
from booking.services import bookings as services
from booking.services import managing
from booking.services.managing import TRANSITIONS
from core.ids import validate_uuid
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm

from .search import search_slots

RELOAD = "Someone else changed this booking a moment ago. Check the booking below and try again."


def _load(request: HttpRequest, booking_id: UUID, action: Action = Action.BOOKING_VIEW) -> Booking:
    return diaries.get_booking_for_or_404(
        actor=Actor.from_request(request), public_id=booking_id, action=action
    )


def _message(error: BookingError) -> str:
    return RELOAD if isinstance(error, BookingChanged) else error.message


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
def booking_detail(request: HttpRequest, booking_id: UUID) -> HttpResponse:
    booking = _load(request, booking_id)
    today = timezone.localdate()
    started = timezone.localtime(booking.start).date() <= today
    moves = TRANSITIONS.get(booking.status, set())
    context = {
        "booking": booking,
        # Attendance is for the day itself; the service has the last word.
        "attendance": [
            status
            for status in AttendanceForm.base_fields["status"].choices
            if status[0] in moves and (started or status[0] == Booking.Status.BOOKED)
        ],
        "can_change": booking.status == Booking.Status.BOOKED and booking.start > timezone.now(),
    }
    return render(request, "booking/booking_detail.html", context)


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, booking_id: UUID) -> HttpResponse:
    booking = _load(request, booking_id)
    form = CancelBookingForm(request.POST or None, initial={"version": booking.version})
    if request.method == "POST" and form.is_valid():
        try:
            managing.cancel_booking(
                by=Actor.from_request(request),
                booking=booking,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except BookingError as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "Appointment cancelled. Tell the patient.")
            return redirect("booking:booking", booking_id=booking.public_id)
    return render(request, "booking/booking_cancel.html", {"booking": booking, "form": form})


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_http_methods(["GET", "POST"])
def booking_amend(request: HttpRequest, booking_id: UUID) -> HttpResponse:
    """Change what the appointment is for and the comment for the practice."""
    booking = _load(request, booking_id)
    form = AmendBookingForm(
        request.POST or None,
        initial={
            "version": booking.version,
            "description": booking.description,
            "comment": booking.comment,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            managing.amend_booking(
                by=Actor.from_request(request),
                booking=booking,
                description=form.cleaned_data["description"],
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
            )
        except InvalidBookingChange as error:
            fields = error.details.get("fields", {})
            for name, problems in fields.items():
                form.add_error(name, problems)
            if not fields:
                form.add_error(None, error.message)
        except BookingError as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "Appointment details changed.")
            return redirect("booking:booking", booking_id=booking.public_id)
    return render(request, "booking/booking_amend.html", {"booking": booking, "form": form})


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_POST
def booking_attendance(request: HttpRequest, booking_id: UUID) -> HttpResponse:
    booking = _load(request, booking_id)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what happened, then try again.")
    else:
        try:
            changed = managing.record_attendance(
                by=Actor.from_request(request),
                booking=booking,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            )
        except BookingError as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, f"Marked as {changed.get_status_display().lower()}.")
    return redirect("booking:booking", booking_id=booking.public_id)


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_http_methods(["GET", "POST"])
def booking_rebook(request: HttpRequest, booking_id: UUID) -> HttpResponse:
    """Search again, pick a slot, and move the booking there as one step: the old slot is
    freed only if the new one is booked."""
    booking = _load(request, booking_id)
    actor = Actor.from_request(request)
    chosen = validate_uuid(request.POST.get("slot") or request.GET.get("slot", ""))
    if chosen is None:
        context = {"booking": booking, **search_slots(request)}
        if request.htmx:
            return render(request, "booking/search_results.htmx.html", context)
        return render(request, "booking/rebook.html", context)
    new_slot = get_slot_for_booking_or_404(actor=actor, public_id=chosen)
    form = RebookForm(
        request.POST if request.method == "POST" else None,
        initial={"version": booking.version, "slot": new_slot.public_id},
    )
    alternatives = []
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.rebook(
                by=actor,
                booking=booking,
                new_slot=new_slot,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except SlotTaken as taken:
            form.add_error(None, taken.message)
            alternatives = taken.alternatives
        except BookingError as error:
            form.add_error(None, _message(error))
        else:
            messages.success(request, "Appointment moved. The old slot is free again.")
            confirmation = reverse("booking:confirmation", kwargs={"booking_id": moved.public_id})
            return redirect(f"{confirmation}?moved=1")
    context = {
        "booking": booking,
        "slot": new_slot,
        "form": form,
        "alternatives": alternatives,
    }
    return render(request, "booking/rebook_confirm.html", context)
