"""A patient's appointments: the list, booking one (choose a day and a time, which is held
for a few minutes, say what it is for, check and book), and cancelling or moving one."""

import datetime
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booking import holds
from booking.errors import BookingError, SlotTaken
from booking.models import Booking, Slot
from booking.search_online import bookable_online, days_with_slots, slots_on
from booking.services.own import (
    book_held_slot,
    cancel_own_booking,
    may_still_change,
    move_to_held_slot,
)
from core.time import long_date
from governance.access import Purpose, audit_listing, decide, visible
from governance.actions import Action
from online import throttle
from online.decorators import patient_actor, patient_view
from online.forms import KINDS, AppointmentReasonForm, FindTimeForm
from online.policy import home_site, hub_of, policy_of, practices_of

_JOURNEY = "online_booking"
# Booking attempts (holds and bookings) per patient in an hour before a pause.
_ATTEMPTS, _WINDOW = 30, 60 * 60


def _holder(request: HttpRequest) -> str:
    return f"account:{request.patient_account.public_id}"


def _own_bookings(request: HttpRequest):
    return visible(
        patient_actor(request),
        Purpose.BOOK,
        Booking.objects.select_related("slot__practice", "slot__site", "slot__clinician"),
    )


@patient_view
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    """The patient's home: appointments to come, with the way to change each, and past ones."""
    now = timezone.now()
    mine = _own_bookings(request)
    upcoming = list(mine.filter(start__gt=now).exclude(status=Booking.Status.CANCELLED))
    past = list(mine.filter(start__lte=now).order_by("-start")[:10])
    patient = request.patient_account.patient
    audit_listing(
        patient_actor(request), Purpose.BOOK, action=Action.ONLINE_APPOINTMENTS, patients=[patient]
    )
    hub = hub_of(patient)
    context = {
        "patient": patient,
        "upcoming": upcoming,
        "past": past,
        "hub": hub,
        "policy": policy_of(hub) if hub else None,
    }
    return render(request, "online/appointments.html", context)


def _hub_or_404(request: HttpRequest):
    hub = hub_of(request.patient_account.patient)
    if hub is None:
        raise Http404("Your practice does not offer evening and weekend appointments online.")
    return hub


@patient_view
@require_GET
def find_time(request: HttpRequest) -> HttpResponse:
    """Choose a day and what suits, then a time: nearest sites first."""
    hub = _hub_or_404(request)
    patient = request.patient_account.patient
    move = _moving(request)
    slots = bookable_online(practice_ids=practices_of(hub), holder=_holder(request))
    days = [
        (day.isoformat(), f"{long_date(day)} ({count} free)")
        for day, count in days_with_slots(slots)
    ]
    form = FindTimeForm(request.GET or None, days=days)
    results = None
    if form.is_bound and form.is_valid():
        results = slots_on(
            slots,
            day=datetime.date.fromisoformat(form.cleaned_data["day"]),
            part_of_day=form.cleaned_data["part_of_day"],
            channels=KINDS[form.cleaned_data["kind"]],
            near=home_site(patient),
        )
    context = {"form": form, "results": results, "days": days, "move": move}
    return render(request, "online/find_time.html", context)


def _moving(request: HttpRequest) -> Booking | None:
    """The appointment being moved, if the patient is choosing a new time for one."""
    move_id = request.GET.get("move") or request.session.get(_JOURNEY, {}).get("move")
    if not move_id:
        return None
    try:
        return _own_bookings(request).get(public_id=UUID(str(move_id)))
    except (ValueError, Booking.DoesNotExist):
        raise Http404("No appointment found.") from None


@patient_view
@require_POST
def hold(request: HttpRequest) -> HttpResponse:
    """Hold the chosen time for a few minutes. If someone has just taken it, the next free
    time like it is offered instead."""
    hub = _hub_or_404(request)
    if not throttle.allow(
        "book", str(request.patient_account.public_id), limit=_ATTEMPTS, window_seconds=_WINDOW
    ):
        return render(request, "online/too_many_attempts.html", status=429)
    holder = _holder(request)
    slots = bookable_online(practice_ids=practices_of(hub), holder=holder)
    slot = slots.filter(public_id=_uuid(request.POST.get("slot"))).first()
    held = (
        holds.hold_slot(slot=slot, holder=holder, hold_for=policy_of(hub).hold_for)
        if slot
        else None
    )
    move = request.POST.get("move", "")
    if held is None:
        return render(
            request,
            "online/time_gone.html",
            {"next_free": _next_free_like(slots, slot), "move": move},
            status=409,
        )
    request.session[_JOURNEY] = {"slot": str(held.slot.public_id), "move": move}
    if move:
        return redirect("online:check")
    return redirect("online:reason")


def _uuid(raw) -> UUID | None:
    try:
        return UUID(str(raw))
    except ValueError:
        return None


def _next_free_like(slots, slot: Slot | None) -> Slot | None:
    """The next free time after the one that went, at the same site if there is one."""
    if slot is None:
        return slots.order_by("start").first()
    later = slots.filter(start__gte=slot.start).exclude(pk=slot.pk).order_by("start")
    return later.filter(site_id=slot.site_id).first() or later.first()


def _held_slot(request: HttpRequest) -> Slot | None:
    journey = request.session.get(_JOURNEY) or {}
    slot = (
        Slot.objects.select_related("practice", "site", "clinician")
        .filter(public_id=_uuid(journey.get("slot")))
        .first()
    )
    if slot is None or holds.live_hold(slot=slot, holder=_holder(request)) is None:
        return None
    return slot


def _hold_ran_out(request: HttpRequest) -> HttpResponse:
    messages.error(
        request,
        "The time you chose was held for a few minutes, and the time is up. Choose a time again.",
    )
    return redirect("online:find_time")


@patient_view
@require_http_methods(["GET", "POST"])
def reason(request: HttpRequest) -> HttpResponse:
    slot = _held_slot(request)
    if slot is None:
        return _hold_ran_out(request)
    journey = request.session[_JOURNEY]
    form = AppointmentReasonForm(
        request.POST or None, initial={"description": journey.get("description", "")}
    )
    if request.method == "POST" and form.is_valid():
        request.session[_JOURNEY] = {**journey, "description": form.cleaned_data["description"]}
        return redirect("online:check")
    hold = holds.live_hold(slot=slot, holder=_holder(request))
    return render(request, "online/reason.html", {"form": form, "slot": slot, "hold": hold})


@patient_view
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    """Check your answers, then book (or move)."""
    slot = _held_slot(request)
    if slot is None:
        return _hold_ran_out(request)
    journey = request.session[_JOURNEY]
    move = _moving(request)
    if move is None and not journey.get("description"):
        return redirect("online:reason")
    hub = _hub_or_404(request)
    policy = policy_of(hub)
    if request.method == "POST":
        actor = patient_actor(request)
        try:
            if move is not None:
                booking = move_to_held_slot(
                    by=actor,
                    booking=move,
                    slot=slot,
                    holder=_holder(request),
                    hub=hub,
                    cancel_cutoff=policy.cancel_cutoff,
                )
            else:
                booking = book_held_slot(
                    by=actor,
                    slot=slot,
                    holder=_holder(request),
                    hub=hub,
                    description=journey["description"],
                    most_to_come=policy.max_future_bookings,
                )
        except SlotTaken as error:
            messages.error(request, error.message)
            return redirect("online:find_time")
        except BookingError as error:
            return render(request, "online/cannot_book.html", {"reason": error.message}, status=409)
        del request.session[_JOURNEY]
        return redirect("online:booked", booking.public_id)
    context = {
        "slot": slot,
        "description": journey.get("description", ""),
        "move": move,
        "hold": holds.live_hold(slot=slot, holder=_holder(request)),
    }
    return render(request, "online/check.html", context)


def _own_booking_or_404(request: HttpRequest, booking_id: UUID, action: Action) -> Booking:
    """One of the patient's bookings, through the access door: another patient's is a 404,
    and the attempt is audited."""
    booking = (
        Booking.objects.select_related("slot__practice", "slot__site", "slot__clinician", "patient")
        .filter(public_id=booking_id)
        .first()
    )
    if booking is None or not decide(
        patient_actor(request), booking.patient, Purpose.BOOK, action=action, obj=booking
    ):
        raise Http404("No appointment found.")
    return booking


@patient_view
@require_GET
def booked(request: HttpRequest, booking_id: UUID) -> HttpResponse:
    booking = _own_booking_or_404(request, booking_id, Action.BOOKING_VIEW)
    return render(request, "online/booked.html", {"booking": booking})


@patient_view
@require_GET
def appointment(request: HttpRequest, booking_id: UUID) -> HttpResponse:
    booking = _own_booking_or_404(request, booking_id, Action.BOOKING_VIEW)
    hub = hub_of(booking.patient)
    cutoff = policy_of(hub).cancel_cutoff if hub else datetime.timedelta(hours=2)
    context = {
        "booking": booking,
        "may_change": may_still_change(booking, cutoff),
        "cutoff": cutoff,
    }
    return render(request, "online/appointment.html", context)


@patient_view
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, booking_id: UUID) -> HttpResponse:
    booking = _own_booking_or_404(request, booking_id, Action.BOOKING_VIEW)
    hub = hub_of(booking.patient)
    cutoff = policy_of(hub).cancel_cutoff if hub else datetime.timedelta(hours=2)
    if request.method == "POST":
        try:
            cancel_own_booking(by=patient_actor(request), booking=booking, cancel_cutoff=cutoff)
        except BookingError as error:
            return render(request, "online/cannot_book.html", {"reason": error.message}, status=409)
        return render(request, "online/cancelled.html", {"booking": booking})
    if not may_still_change(booking, cutoff):
        return render(
            request,
            "online/appointment.html",
            {"booking": booking, "may_change": False, "cutoff": cutoff},
        )
    return render(request, "online/cancel.html", {"booking": booking})
