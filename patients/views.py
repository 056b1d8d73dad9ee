"""The acting practice's registered patients."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from frontend.forms import apply_service_errors
from governance.permissions import Perm, has_org_permission
from patients import services
from patients.forms import PatientForm
from patients.selectors import get_patient_for_user_or_404, registered_patients_for
from practices.decorators import staff_view

PAGE_SIZE = 25


@staff_view(Perm.VIEW_REGISTERED_PATIENTS)
@require_GET
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    page = Paginator(registered_patients_for(request=request, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "query": query,
        "can_register": has_org_permission(
            request.user, Perm.MANAGE_REGISTERED_PATIENTS, request.acting.organisation
        ),
    }
    template = "patients/patient_list.htmx.html" if request.htmx else "patients/patient_list.html"
    return render(request, template, context)


@staff_view(Perm.VIEW_REGISTERED_PATIENTS)
@require_GET
def patient_detail(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user_or_404(request=request, public_id=patient_id)
    can_edit = has_org_permission(
        request.user, Perm.MANAGE_REGISTERED_PATIENTS, request.acting.organisation
    )
    return render(
        request, "patients/patient_detail.html", {"patient": patient, "can_edit": can_edit}
    )


@staff_view(Perm.MANAGE_REGISTERED_PATIENTS)
@require_http_methods(["GET", "POST"])
def patient_create(request: HttpRequest) -> HttpResponse:
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.register_patient(
                by=request.user, practice=request.acting.organisation, **form.cleaned_data
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
    patient = get_patient_for_user_or_404(request=request, public_id=patient_id)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_patient(by=request.user, patient=patient, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Patient details updated.")
            return redirect("patients:detail", patient_id=patient.public_id)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient})
