"""The acting practice's registered patients."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from frontend.forms import apply_service_errors
from governance.access import Purpose
from governance.audit import Actor
from governance.permissions import Perm, has_org_permission, org_permissions
from governance.selectors import current_consents
from patients import services
from patients.forms import FindPatientForm, PatientForm
from patients.selectors import (
    find_patients_for,
    get_patient_for_user_or_404,
    record_patient_search,
    registered_patients_for,
)
from practices.decorators import staff_view

PAGE_SIZE = 25


@staff_view(Perm.VIEW_REGISTERED_PATIENTS)
@require_GET
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    page = Paginator(registered_patients_for(request=request, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_patient_search(request=request, action="patient.list", results=len(page.object_list))
    context = {
        "page": page,
        "query": query,
        "can_register": has_org_permission(
            request.user, Perm.MANAGE_REGISTERED_PATIENTS, request.acting.organisation
        ),
    }
    template = "patients/patient_list.htmx.html" if request.htmx else "patients/patient_list.html"
    return render(request, template, context)


@staff_view(Perm.VIEW_PATIENT_RECORDS)
@require_GET
def patient_detail(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user_or_404(
        request=request, public_id=patient_id, purpose=Purpose.VIEW_RECORD, action="patient.view"
    )
    own_practice = patient.registered_practice_id == request.acting.organisation.pk
    perms = org_permissions(request.user, request.acting.organisation)
    context = {
        "patient": patient,
        "can_edit": own_practice and Perm.MANAGE_REGISTERED_PATIENTS in perms,
        "can_record_consent": Perm.RECORD_CONSENT in perms,
        "can_see_access_history": own_practice and Perm.REVIEW_ACCESS in perms,
        "consents": current_consents(patient),
    }
    return render(request, "patients/patient_detail.html", context)


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
    return render(request, "patients/patient_form.html", {"form": form, "patient": None})


@staff_view(Perm.MANAGE_REGISTERED_PATIENTS)
@require_http_methods(["GET", "POST"])
def patient_edit(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user_or_404(
        request=request,
        public_id=patient_id,
        purpose=Purpose.MANAGE_REGISTRATION,
        action="patient.edit" if request.method == "POST" else "patient.view",
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
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})


@staff_view(Perm.VIEW_ORGANISATION_DETAILS)
@require_GET
def patient_find(request: HttpRequest) -> HttpResponse:
    """Find a patient across the practices that share with the acting organisation."""
    perms = org_permissions(request.user, request.acting.organisation)
    if Perm.VIEW_PATIENT_RECORDS in perms:
        purpose = Purpose.VIEW_RECORD
    elif Perm.BOOK_FOR_PATIENTS in perms:
        purpose = Purpose.BOOK
    else:
        raise PermissionDenied("Your role does not find patients.")
    form = FindPatientForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = find_patients_for(request=request, purpose=purpose, **form.cleaned_data)
    context = {
        "form": form,
        "results": results,
        "can_open_record": purpose == Purpose.VIEW_RECORD,
        "can_break_glass": Perm.BREAK_GLASS in perms,
        "searched_nhs_number": form.cleaned_data.get("nhs_number") if results is not None else "",
    }
    return render(request, "patients/patient_find.html", context)
