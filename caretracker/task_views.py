"""Task pages: send a task from a care record, see one and act on it, and the inbox."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from caretracker import task_services
from caretracker.forms import HandBackForm, TaskForm
from caretracker.inbox import inbox_for
from caretracker.models import CareTeamMember, Task
from caretracker.views import enrolment_or_404
from governance.access import Purpose, audit_listing, decide
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm
from governance.selectors import alerts_for


def _task_or_404(actor: Actor, task_id: UUID) -> Task:
    """A task the actor's organisation sent or was sent, for a patient it may see."""
    organisation = actor.membership.organisation
    task = (
        Task.objects.select_related(
            "enrolment__patient", "assigned_organisation", "from_organisation", "assigned_user"
        )
        .filter(public_id=task_id)
        .first()
    )
    involved = task is not None and organisation.pk in (
        task.assigned_organisation_id,
        task.from_organisation_id,
        task.enrolment.key_worker_organisation_id,
    )
    if not involved or not decide(
        actor, task.enrolment.patient, Purpose.CARE_TRACKER, action=Action.TASK_VIEW, obj=task
    ):
        raise Http404("No task found.")
    return task


@staff_view(Perm.USE_CARE_TRACKER)
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, enrolment_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    enrolment = enrolment_or_404(actor, enrolment_id, Action.CARE_VIEW)
    team = CareTeamMember.objects.select_related("organisation").filter(
        enrolment=enrolment, removed_at__isnull=True
    )
    form = TaskForm(request.POST if request.method == "POST" else None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            task = task_services.send_task(
                by=actor,
                enrolment=enrolment,
                to=form.cleaned_data["to"].organisation,
                person=form.cleaned_data["to"].user,
                title=form.cleaned_data["title"],
                details=form.cleaned_data["details"],
                due_at=form.due_at(),
                kind=form.cleaned_data["kind"],
            )
        except task_services.TaskRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Task sent. It is not taken until the team accepts it.")
            return redirect("caretracker:task", task_id=task.public_id)
    context = {"form": form, "enrolment": enrolment, "patient": enrolment.patient}
    return render(request, "caretracker/task_form.html", context)


@staff_view(Perm.USE_CARE_TRACKER)
@require_http_methods(["GET", "POST"])
def task(request: HttpRequest, task_id: UUID) -> HttpResponse:
    """A task, its history, and what the viewer's team can do with it."""
    actor = Actor.from_request(request)
    found = _task_or_404(actor, task_id)
    hand_back = HandBackForm(request.POST if request.POST.get("do") == "hand-back" else None)
    if request.method == "POST":
        try:
            match request.POST.get("do"):
                case "accept":
                    task_services.accept_task(by=actor, task=found)
                    messages.success(request, "Task accepted: it is yours now.")
                case "complete":
                    task_services.complete_task(by=actor, task=found)
                    messages.success(request, "Task completed.")
                case "hand-back" if hand_back.is_valid():
                    task_services.hand_back_task(
                        by=actor, task=found, note=hand_back.cleaned_data["note"]
                    )
                    messages.success(request, "Task handed back.")
                case "hand-back":
                    pass  # the form says what to fix
                case _:
                    raise Http404("No such action.")
        except task_services.TaskRefused as refusal:
            messages.error(request, str(refusal))
        if not (hand_back.is_bound and hand_back.errors):
            return redirect("caretracker:task", task_id=found.public_id)
    context = {
        "task": found,
        "events": found.events.select_related("by", "organisation"),
        "hand_back": hand_back,
        "receiving": actor.membership.organisation_id == found.assigned_organisation_id,
    }
    return render(request, "caretracker/task_detail.html", context)


@staff_view(Perm.USE_CARE_TRACKER)
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    now = timezone.now()
    found = inbox_for(actor, now=now)
    audit_listing(actor, Purpose.CARE_TRACKER, action=Action.CARE_INBOX, patients=found.patients)
    open_count, overdue = found.count(now)
    alerts = list(alerts_for(user=request.user, organisation=actor.membership.organisation)[:20])
    context = {"inbox": found, "open": open_count, "overdue": overdue, "alerts": alerts}
    return render(request, "caretracker/inbox.html", context)
