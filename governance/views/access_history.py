"""Who viewed this record: for the patient's own practice IG lead. A patient-facing page
will reuse the same selector."""

from uuid import UUID

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance import selectors
from governance.access import Purpose, get_patient_or_404
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm

PAGE_SIZE = 50


@staff_view(Perm.REVIEW_ACCESS)
@require_GET
def patient_access_history(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_or_404(
        Actor.from_request(request),
        patient_id,
        Purpose.VIEW_RECORD,
        action=Action.PATIENT_ACCESS_HISTORY,
    )
    if patient.registered_practice_id != request.acting.organisation.pk:
        # An IG lead elsewhere may see the record under an agreement, but its access
        # history belongs to the practice that holds it.
        raise Http404("No patient found.")
    page = Paginator(selectors.who_viewed(patient), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/access_history.html", {"patient": patient, "page": page})
