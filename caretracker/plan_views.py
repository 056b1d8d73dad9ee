"""The care and escalation plans: the next version, and every version compared."""

from uuid import UUID

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from caretracker.forms import plan_form
from caretracker.models import CarePlan, EscalationPlan
from caretracker.plans import CONTENT, PlanConflict, history, save_plan
from caretracker.views import enrolment_or_404
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm

MODELS = {"care": CarePlan, "escalation": EscalationPlan}


@staff_view(Perm.MANAGE_CARE_PLANS)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, enrolment_id: UUID, kind: str) -> HttpResponse:
    """The next version of a plan, starting from the current one."""
    actor = Actor.from_request(request)
    enrolment = enrolment_or_404(actor, enrolment_id, Action.CARE_PLAN_VIEW)
    model = MODELS[kind]
    current = model.objects.filter(enrolment=enrolment).first()
    initial = model_to_dict(current, fields=CONTENT[model]) if current else {}
    form = plan_form(model, request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        content = {name: form.cleaned_data[name] for name in CONTENT[model]}
        try:
            save_plan(
                by=actor,
                enrolment=enrolment,
                model=model,
                change_note=form.cleaned_data["change_note"],
                **content,
            )
        except PlanConflict as conflict:
            form.add_error(None, str(conflict))
        else:
            messages.success(request, f"{model._meta.verbose_name.capitalize()} saved.")
            return redirect("caretracker:record", enrolment_id=enrolment.public_id)
    context = {
        "form": form,
        "enrolment": enrolment,
        "patient": enrolment.patient,
        "name": model._meta.verbose_name,
        "current": current,
    }
    return render(request, "caretracker/plan_form.html", context)


@staff_view(Perm.USE_CARE_TRACKER)
@require_GET
def plan_history(request: HttpRequest, enrolment_id: UUID, kind: str) -> HttpResponse:
    actor = Actor.from_request(request)
    enrolment = enrolment_or_404(actor, enrolment_id, Action.CARE_PLAN_VIEW)
    model = MODELS[kind]
    context = {
        "enrolment": enrolment,
        "patient": enrolment.patient,
        "name": model._meta.verbose_name,
        "versions": history(model, enrolment),
    }
    return render(request, "caretracker/plan_history.html", context)
