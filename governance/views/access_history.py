"""Who viewed this record: for the patient's own practice IG lead. A patient-facing page
will reuse the same selector."""

from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance import selectors
from governance.access import Purpose
from governance.permissions import Perm
from patients.selectors import get_patient_for_user_or_404
from practices.decorators import staff_view

PAGE_SIZE = 50


@staff_view(Perm.REVIEW_ACCESS)
@require_GET
def patient_access_history(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user_or_404(
        request=request,
        public_id=patient_id,
        purpose=Purpose.VIEW_RECORD,
        action="patient.access-history",
    )
    if patient.registered_practice_id != request.acting.organisation.pk:
        # An IG lead elsewhere may see the record under an agreement, but its access
        # history belongs to the practice that holds it.
        raise Http404("No patient found.")
    page = Paginator(selectors.who_viewed(patient), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/access_history.html", {"patient": patient, "page": page})
