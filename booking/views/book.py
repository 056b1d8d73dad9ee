"""The booking flow: find the patient, pick a slot, say what it is for, confirm, and see
everything the patient must be told."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from booking import diaries
from booking.errors import IdempotencyKeyReused, SlotNotBookable, SlotTaken
from booking.forms.bookings import BookingDetailsForm, new_idempotency_key
from booking.models import Slot
from booking.release_rules.terms import OVERRIDABLE
from booking.search import nearest_alternatives
from booking.selectors import get_slot_for_booking_or_404
from booking.services.bookings import book_slot, may_override_rules, refusal_to_book
from core.ids import validate_uuid
from governance.access import Purpose, find_patients
from governance.audit import Actor
from governance.decorators import staff_view
from governance.forms import FindPatientForm
from governance.permissions import Perm

from ._patients import chosen_patient


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_http_methods(["GET", "POST"])
def find_patient(request: HttpRequest) -> HttpResponse:
    """Step one: the patient, by NHS number or by last name and date of birth, posted so
    that neither lands in an address (server logs, browser history). A slot already picked
    from the diary is carried through."""
    slot_id = validate_uuid(request.POST.get("slot") or request.GET.get("slot", ""))
    slot = (
        get_slot_for_booking_or_404(actor=Actor.from_request(request), public_id=slot_id)
        if slot_id
        else None
    )
    searching = request.method == "POST"
    form = FindPatientForm(request.POST if searching else None)
    results = None
    if searching and form.is_valid():
        results = find_patients(Actor.from_request(request), Purpose.BOOK, **form.cleaned_data)
    context = {"form": form, "results": results, "slot": slot}
    return render(request, "booking/find_patient.html", context)


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, slot_id: UUID) -> HttpResponse:
    """Steps three and four: what the appointment is for, and confirm. A taken slot shows
    the nearest alternatives, each bookable in one step with the same details. A slot the
    release rules refuse shows why, and the alternatives; when the refusal is one that can
    be overridden (embargo, cut-off, quota) and the booker runs the practice's sessions, it
    can be booked anyway with a reason."""
    actor = Actor.from_request(request)
    slot = get_slot_for_booking_or_404(actor=actor, public_id=slot_id)
    patient = chosen_patient(request, request.POST.get("patient") or request.GET.get("patient"))
    if patient is None:
        return redirect(f"{reverse('booking:find_patient')}?{urlencode({'slot': slot_id})}")
    form = BookingDetailsForm(
        request.POST if request.method == "POST" else None,
        initial={"patient": patient.public_id, "idempotency_key": new_idempotency_key()},
    )
    alternatives = []
    refusal = None  # why the release rules refuse the booking, when they do
    if request.method == "GET" and slot.status != Slot.Status.FREE:
        form.add_error(None, "This slot is no longer free. Choose another.")
        alternatives = nearest_alternatives(actor=actor, slot=slot)
    if request.method == "POST" and form.is_valid():
        try:
            booking = book_slot(
                by=actor,
                slot=slot,
                patient=patient,
                description=form.cleaned_data["description"],
                comment=form.cleaned_data["comment"],
                idempotency_key=form.cleaned_data["idempotency_key"],
                override_reason=form.reason_to_override(),
            )
        except SlotTaken as taken:
            form.add_error(None, taken.message)
            alternatives = taken.alternatives
        except SlotNotBookable as refused:
            refusal = refused
            alternatives = nearest_alternatives(actor=actor, slot=slot)
        except IdempotencyKeyReused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("booking:confirmation", booking_id=booking.public_id)
    elif request.method == "POST" and form.data.get("override"):
        # Overriding, but the details need fixing first: say again why the rules refuse.
        refusal = refusal_to_book(by=actor, slot=slot)
    offer_override = (
        refusal is not None
        and refusal.reason_code in OVERRIDABLE
        and may_override_rules(by=actor, slot=slot)
    )
    if refusal is not None and not offer_override:
        form.add_error(None, refusal.message)
    context = {
        "slot": slot,
        "patient": patient,
        "form": form,
        "alternatives": [(alt, new_idempotency_key()) for alt in alternatives],
        "refusal": refusal,
        "offer_override": offer_override,
    }
    return render(request, "booking/book.html", context)


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
def confirmation(request: HttpRequest, booking_id: UUID) -> HttpResponse:
    booking = diaries.get_booking_for_or_404(
        actor=Actor.from_request(request), public_id=booking_id
    )
    context = {"booking": booking, "moved": request.GET.get("moved") == "1"}
    return render(request, "booking/confirmation.html", context)
