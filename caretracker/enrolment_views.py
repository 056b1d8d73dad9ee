"""Enrolling a patient, keeping their care team and key worker, and ending the enrolment."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from caretracker import enrolment as enrolling
from caretracker.forms import EndEnrolmentForm, EnrolForm, KeyWorkerForm, TeamMemberForm
from caretracker.models import CareTeamMember
from caretracker.views import enrolment_or_404
from governance.access import Purpose, get_patient_or_404
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm


@staff_view(Perm.MANAGE_CARE_PLANS)
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """The patient's practice enrols them, with their consent."""
    actor = Actor.from_request(request)
    patient = get_patient_or_404(actor, patient_id, Purpose.CARE_TRACKER, action=Action.CARE_VIEW)
    if patient.registered_practice_id != actor.membership.organisation_id:
        raise Http404("Only the patient's practice enrols them.")
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = enrolling.enrol(
                by=actor,
                patient=patient,
                care_home=form.cleaned_data["care_home"],
                role=form.cleaned_data["role"],
            )
        except enrolling.EnrolmentRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Enrolled. You are their key worker.")
            return redirect("caretracker:record", enrolment_id=enrolment.public_id)
    return render(request, "caretracker/enrol.html", {"form": form, "patient": patient})


@staff_view(Perm.MANAGE_CARE_PLANS)
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, enrolment_id: UUID) -> HttpResponse:
    """The care team: who is on it, taking an organisation off, and choosing the key
    worker."""
    actor = Actor.from_request(request)
    enrolment = enrolment_or_404(actor, enrolment_id, Action.CARE_VIEW)
    members = (
        CareTeamMember.objects.filter(enrolment=enrolment, removed_at__isnull=True)
        .select_related("organisation", "user")
        .order_by("-is_lead", "organisation__name")
    )
    candidates = enrolling.key_worker_candidates(enrolment)
    posted = request.POST if request.POST.get("do") == "key-worker" else None
    form = KeyWorkerForm(posted, candidates=candidates)
    removal_refused = ""
    if request.POST.get("do") == "remove":
        member_id = request.POST.get("member", "")
        member = members.filter(pk=int(member_id)).first() if member_id.isdigit() else None
        try:
            if member is None:
                raise enrolling.EnrolmentRefused("That organisation is not on the team.")
            enrolling.remove_from_team(by=actor, member=member)
        except enrolling.EnrolmentRefused as refusal:
            removal_refused = str(refusal)
        else:
            messages.success(request, f"{member.organisation.name} left the care team.")
            return redirect("caretracker:team", enrolment_id=enrolment.public_id)
    elif posted is not None and form.is_valid():
        chosen = form.cleaned_data["membership"]
        try:
            enrolling.change_key_worker(by=actor, enrolment=enrolment, membership=chosen)
        except enrolling.EnrolmentRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"{chosen.user.get_full_name()} is the key worker.")
            return redirect("caretracker:team", enrolment_id=enrolment.public_id)
    context = {
        "enrolment": enrolment,
        "patient": enrolment.patient,
        "members": members,
        "form": form,
        "removal_refused": removal_refused,
        "has_candidates": candidates.exists(),
        "may_end": enrolment.practice_id == actor.membership.organisation_id,
    }
    return render(request, "caretracker/team.html", context)


@staff_view(Perm.MANAGE_CARE_PLANS)
@require_http_methods(["GET", "POST"])
def team_add(request: HttpRequest, enrolment_id: UUID) -> HttpResponse:
    actor = Actor.from_request(request)
    enrolment = enrolment_or_404(actor, enrolment_id, Action.CARE_VIEW)
    form = TeamMemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolling.add_to_team(
                by=actor,
                enrolment=enrolment,
                organisation=form.cleaned_data["ods_code"],
                role=form.cleaned_data["role"],
            )
        except enrolling.EnrolmentRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Added to the care team.")
            return redirect("caretracker:team", enrolment_id=enrolment.public_id)
    context = {"form": form, "enrolment": enrolment, "patient": enrolment.patient}
    return render(request, "caretracker/team_add.html", context)


@staff_view(Perm.MANAGE_CARE_PLANS)
@require_http_methods(["GET", "POST"])
def end(request: HttpRequest, enrolment_id: UUID) -> HttpResponse:
    """The patient's practice takes them off the care tracker, saying why."""
    actor = Actor.from_request(request)
    enrolment = enrolment_or_404(actor, enrolment_id, Action.CARE_VIEW)
    if enrolment.practice_id != actor.membership.organisation_id:
        raise Http404("Only the patient's practice ends their enrolment.")
    form = EndEnrolmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolling.end_enrolment(
                by=actor, enrolment=enrolment, reason=form.cleaned_data["reason"]
            )
        except enrolling.EnrolmentRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "The patient has left the care tracker.")
            return redirect("patients:detail", patient_id=enrolment.patient.public_id)
    context = {"form": form, "enrolment": enrolment, "patient": enrolment.patient}
    return render(request, "caretracker/end.html", context)
