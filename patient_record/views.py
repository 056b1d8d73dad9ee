"""Staff pages about patients: the practice's registered patients, registering and changing
them, finding a patient across practices, and the patient's page. Every patient shown comes
through governance's access door."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from booking.selectors import patient_appointments
from caretracker.summaries import care_summary, open_enrolment
from frontend.forms import apply_service_errors
from governance.access import (
    Purpose,
    audit_listing,
    find_patients,
    get_patient_or_404,
    open_patient_or_404,
)
from governance.actions import Action
from governance.audit import Actor
from governance.break_glass import SEARCHED_NHS_NUMBER
from governance.decorators import staff_view
from governance.forms import FindPatientForm
from governance.permissions import Perm, has_org_permission, org_permissions
from governance.selectors import current_consents
from patient_record import services
from patient_record.forms import PatientForm
from patient_record.selectors import registered_patients

PAGE_SIZE = 25


@staff_view(Perm.VIEW_REGISTERED_PATIENTS)
@require_GET
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    actor = Actor.from_request(request)
    page = Paginator(registered_patients(actor=actor, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_listing(actor, Purpose.VIEW_RECORD, action=Action.PATIENT_LIST, patients=page)
    context = {
        "page": page,
        "query": query,
        "can_register": has_org_permission(
            request.user, Perm.MANAGE_REGISTERED_PATIENTS, request.acting.organisation
        ),
    }
    template = (
        "patient_record/patient_list.htmx.html"
        if request.htmx
        else "patient_record/patient_list.html"
    )
    return render(request, template, context)


@staff_view(Perm.VIEW_PATIENT_RECORDS)
@require_GET
def patient_detail(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """The hub of a patient's journey: who they are, their appointments across the hub and
    where each stands in the practice's system, booking for them, consent, the care-tracker
    summary where allowed, and on what basis the user sees all this."""
    actor = Actor.from_request(request)
    patient, decision = open_patient_or_404(
        actor, patient_id, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW
    )
    own_practice = patient.registered_practice_id == request.acting.organisation.pk
    perms = org_permissions(request.user, request.acting.organisation)
    appointments = patient_appointments(actor, patient)
    if appointments:
        audit_listing(actor, Purpose.BOOK, action=Action.BOOKING_LIST, patients=[patient])
    summary = care_summary(actor, patient) if Perm.USE_CARE_TRACKER in perms else None
    context = {
        "patient": patient,
        "basis": decision.basis,
        "appointments": appointments,
        "summary": summary,
        "can_book": Perm.BOOK_FOR_PATIENTS in perms,
        "can_enrol": own_practice
        and Perm.MANAGE_CARE_PLANS in perms
        and summary is None
        and open_enrolment(patient) is None,
        "can_edit": own_practice and Perm.MANAGE_REGISTERED_PATIENTS in perms,
        "can_record_consent": Perm.RECORD_CONSENT in perms,
        "can_see_access_history": own_practice and Perm.REVIEW_ACCESS in perms,
        "consents": current_consents(patient),
    }
    return render(request, "patient_record/patient_detail.html", context)


@staff_view(Perm.MANAGE_REGISTERED_PATIENTS)
@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.register_patient(
                by=Actor.from_request(request),
                practice=request.acting.organisation,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{patient.full_name} registered.")
            return redirect("patients:detail", patient_id=patient.public_id)
    return render(request, "patient_record/patient_form.html", {"form": form, "patient": None})


@staff_view(Perm.MANAGE_REGISTERED_PATIENTS)
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_or_404(
        Actor.from_request(request),
        patient_id,
        Purpose.MANAGE_REGISTRATION,
        action=Action.PATIENT_UPDATE if request.method == "POST" else Action.PATIENT_VIEW,
    )
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_patient(
                by=Actor.from_request(request), patient=patient, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Patient details updated.")
            return redirect("patients:detail", patient_id=patient.public_id)
    return render(request, "patient_record/patient_form.html", {"form": form, "patient": patient})


@staff_view(Perm.VIEW_ORGANISATION_DETAILS)
@require_http_methods(["GET", "POST"])
def patient_find(request: HttpRequest) -> HttpResponse:
    """Find a patient across the practices that share with the acting organisation. The
    search is posted: an NHS number never lands in an address."""
    perms = org_permissions(request.user, request.acting.organisation)
    if Perm.VIEW_PATIENT_RECORDS in perms:
        purpose = Purpose.VIEW_RECORD
    elif Perm.BOOK_FOR_PATIENTS in perms:
        purpose = Purpose.BOOK
    else:
        raise PermissionDenied("Your role does not find patients.")
    form = FindPatientForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_bound and form.is_valid():
        results = find_patients(Actor.from_request(request), purpose, **form.cleaned_data)
        if not results and form.cleaned_data.get("nhs_number"):
            request.session[SEARCHED_NHS_NUMBER] = form.cleaned_data["nhs_number"]
    context = {
        "form": form,
        "results": results,
        "can_open_record": purpose == Purpose.VIEW_RECORD,
        "can_book": Perm.BOOK_FOR_PATIENTS in perms,
        "can_break_glass": Perm.BREAK_GLASS in perms,
    }
    return render(request, "patient_record/patient_find.html", context)
