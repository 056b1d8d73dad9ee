"""The care diary: an urgent-care, out-of-hours or NHS 111 clinician finds the patient in
front of them, sees what they may (appointments across the hub, alerts, the escalation
plan), books them into an evening or weekend slot released to urgent care, and logs the
contact."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from booking.models import Booking
from booking.selectors import patient_appointments
from carediary.forms import EncounterForm
from caretracker.encounters import EncounterRefused, log_encounter
from caretracker.summaries import care_summary
from governance.access import Purpose, audit_listing, find_patients, get_patient_or_404, visible
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.forms import FindPatientForm
from governance.permissions import Perm


@staff_view(Perm.USE_CARE_DIARY)
@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Find the patient: NHS number, or last name and date of birth, among the patients of
    the practices that share with this service (or it has a basis for). Posted: an NHS
    number never lands in an address."""
    searching = request.method == "POST"
    form = FindPatientForm(request.POST if searching else None)
    results = None
    if searching and form.is_valid():
        results = find_patients(Actor.from_request(request), Purpose.BOOK, **form.cleaned_data)
    return render(request, "carediary/home.html", {"form": form, "results": results})


@staff_view(Perm.USE_CARE_DIARY)
@require_GET
def patient(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    found = get_patient_or_404(actor, patient_id, Purpose.BOOK, action=Action.CARE_DIARY_PATIENT)
    appointments = patient_appointments(actor, found)
    if appointments:
        audit_listing(actor, Purpose.BOOK, action=Action.BOOKING_LIST, patients=[found])
    context = {
        "patient": found,
        "appointments": appointments,
        "summary": care_summary(actor, found),
    }
    return render(request, "carediary/patient.html", context)


@staff_view(Perm.USE_CARE_DIARY)
@require_http_methods(["GET", "POST"])
def log_contact(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    found = get_patient_or_404(actor, patient_id, Purpose.BOOK, action=Action.CARE_DIARY_PATIENT)
    booking = _booking_of(actor, found, request.POST.get("booking") or request.GET.get("booking"))
    initial = {"minutes_ago": 0, "booking": booking.public_id if booking else None}
    if booking is not None:
        initial["outcome"] = "booked"
    form = EncounterForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            log_encounter(
                by=actor,
                patient=found,
                kind=form.cleaned_data["kind"],
                occurred_at=form.occurred_at(),
                presenting_reason=form.cleaned_data["presenting_reason"],
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
                booking=booking,
            )
        except EncounterRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Contact logged.")
            return redirect("carediary:patient", patient_id=found.public_id)
    context = {"patient": found, "form": form, "booking": booking}
    return render(request, "carediary/log_contact.html", context)


def _booking_of(actor: Actor, patient, public_id) -> Booking | None:
    """The appointment just booked for this patient, to tie to the contact, if it is one
    the actor may see."""
    if not public_id:
        return None
    try:
        public_id = UUID(str(public_id))
    except ValueError:
        return None
    return (
        visible(actor, Purpose.BOOK, Booking.objects.filter(patient=patient, public_id=public_id))
        .select_related("slot__practice")
        .first()
    )
