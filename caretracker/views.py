"""The care tracker's pages: a patient's care record with their timeline, an admission or
discharge logged onto it, and caseloads (a care home's residents, a key worker's
patients)."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from caretracker.caseload import caseload_rows
from caretracker.encounters import EncounterRefused, log_encounter
from caretracker.forms import HospitalStayForm
from caretracker.models import Enrolment
from caretracker.summaries import care_summary
from caretracker.timeline import timeline_page
from core.paging import InvalidCursor
from governance.access import Purpose, audit_listing, decide, get_patient_or_404
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm


def enrolment_or_404(actor: Actor, enrolment_id: UUID, action: Action) -> Enrolment:
    """An open enrolment whose patient the actor may see in the care tracker (audited)."""
    enrolment = (
        Enrolment.objects.select_related("patient")
        .filter(public_id=enrolment_id, ended_at__isnull=True)
        .first()
    )
    if enrolment is None or not decide(
        actor, enrolment.patient, Purpose.CARE_TRACKER, action=action, obj=enrolment
    ):
        raise Http404("No care record found.")
    return enrolment


@staff_view(Perm.USE_CARE_TRACKER)
@require_GET
def record(request: HttpRequest, enrolment_id: UUID) -> HttpResponse:
    """The care record: summary, escalation and care plans, team, and the timeline."""
    actor = Actor.from_request(request)
    enrolment = Enrolment.objects.filter(public_id=enrolment_id).select_related("patient").first()
    if enrolment is None:
        raise Http404("No care record found.")
    found = get_patient_or_404(
        actor, enrolment.patient.public_id, Purpose.CARE_TRACKER, action=Action.CARE_TIMELINE
    )
    summary = care_summary(actor, found)
    if summary is None or summary.enrolment.pk != enrolment.pk:  # ended since
        raise Http404("No care record found.")
    try:
        page = timeline_page(actor, found, summary.enrolment, cursor=request.GET.get("before", ""))
    except InvalidCursor as error:
        raise Http404("No such page of the timeline.") from error
    context = {
        "patient": found,
        "summary": summary,
        "timeline": page,
        "manages_plans": Perm.MANAGE_CARE_PLANS in actor.permissions,
    }
    return render(request, "caretracker/patient.html", context)


@staff_view(Perm.USE_CARE_TRACKER)
@require_GET
def caseload(request: HttpRequest) -> HttpResponse:
    """The patients this person co-ordinates, and those on the care teams their
    organisation is part of (a care home's residents): open and overdue tasks, reviews due
    and the latest event for each."""
    actor = Actor.from_request(request)
    rows = caseload_rows(actor, now=timezone.now())
    audit_listing(
        actor, Purpose.CARE_TRACKER, action=Action.CARE_CASELOAD, patients=[r.patient for r in rows]
    )
    return render(request, "caretracker/caseload.html", {"rows": rows})


@staff_view(Perm.USE_CARE_TRACKER)
@require_http_methods(["GET", "POST"])
def hospital_stay(request: HttpRequest, enrolment_id: UUID) -> HttpResponse:
    """A hospital admission or discharge, logged by the hospital or by the care team."""
    actor = Actor.from_request(request)
    enrolment = enrolment_or_404(actor, enrolment_id, Action.CARE_VIEW)
    form = HospitalStayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            log_encounter(
                by=actor,
                patient=enrolment.patient,
                kind=form.cleaned_data["kind"],
                occurred_at=form.occurred_at(),
                presenting_reason=form.cleaned_data["presenting_reason"],
                outcome=form.outcome(),
                notes=form.cleaned_data["notes"],
                purpose=Purpose.CARE_TRACKER,
            )
        except EncounterRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Logged on the timeline.")
            return redirect("caretracker:record", enrolment_id=enrolment.public_id)
    context = {"form": form, "enrolment": enrolment, "patient": enrolment.patient}
    return render(request, "caretracker/hospital_stay.html", context)
