from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from governance import consent
from governance.access import Purpose, get_patient_or_404
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.forms import ConsentForm
from governance.permissions import Perm
from governance.selectors import consent_history


@staff_view(Perm.RECORD_CONSENT)
@require_http_methods(["GET", "POST"])
def consent_record(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = get_patient_or_404(
        Actor.from_request(request),
        patient_id,
        Purpose.RECORD_CONSENT,
        action=Action.CONSENT_RECORD if request.method == "POST" else Action.CONSENT_VIEW,
    )
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        consent.record_consent(by=Actor.from_request(request), patient=patient, **form.cleaned_data)
        messages.success(request, "Consent recorded.")
        return redirect("patients:detail", patient_id=patient.public_id)
    return render(
        request,
        "governance/consent_form.html",
        {"form": form, "patient": patient, "history": consent_history(patient)},
    )
