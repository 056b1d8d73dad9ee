from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from governance import services
from governance.access import Purpose
from governance.audit import Actor
from governance.forms import ConsentForm
from governance.permissions import Perm
from governance.selectors import consent_history
from patients.selectors import get_patient_for_user_or_404
from practices.decorators import staff_view


@staff_view(Perm.RECORD_CONSENT)
@require_http_methods(["GET", "POST"])
def consent_record(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_for_user_or_404(
        request=request,
        public_id=patient_id,
        purpose=Purpose.RECORD_CONSENT,
        action="consent.record" if request.method == "POST" else "consent.view",
    )
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_consent(
            by=Actor.from_request(request), patient=patient, **form.cleaned_data
        )
        messages.success(request, "Consent recorded.")
        return redirect("patients:detail", patient_id=patient.public_id)
    return render(
        request,
        "governance/consent_form.html",
        {"form": form, "patient": patient, "history": consent_history(patient)},
    )
