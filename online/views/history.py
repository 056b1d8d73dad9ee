"""Who has looked at the patient's record: from the audit trail, in plain words."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.paging import PAGE_SIZE
from governance.access import Purpose, decide
from governance.actions import Action
from governance.reports import action_label, basis_label, role_label
from online.decorators import patient_actor, patient_view
from online.selectors import break_glass_reasons, record_access


@patient_view
@require_GET
def record_access_view(request: HttpRequest) -> HttpResponse:
    patient = request.patient_account.patient
    decide(
        patient_actor(request), patient, Purpose.VIEW_RECORD, action=Action.ONLINE_ACCESS_HISTORY
    )
    page = Paginator(record_access(patient), PAGE_SIZE).get_page(request.GET.get("page"))
    events = list(page.object_list)
    reasons = break_glass_reasons(patient, events)
    rows = [
        {
            "when": event.occurred_at,
            "organisation": event.actor_organisation_name or "Hub Diary",
            "role": role_label(event.actor_role),
            "what": action_label(event.action),
            "basis": basis_label(event.basis) if event.basis else "",
            "break_glass": reasons.get(event.pk),
        }
        for event in events
    ]
    return render(request, "online/record_access.html", {"rows": rows, "page": page})
