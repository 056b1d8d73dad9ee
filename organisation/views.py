"""Staff pages for the organisation a user is acting for: the home page for their role,
choosing the organisation, and its sites, clinicians and staff."""

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from frontend.forms import apply_service_errors
from governance import staff
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm, has_org_permission
from governance.selectors import WRITE_BACK_ALERT_KINDS, alert_summary, alerts_for
from organisation.forms import (
    Cis2IdentityForm,
    ClinicianForm,
    ListSizeForm,
    SiteForm,
    StaffMemberForm,
    StaffRoleForm,
)
from practices import selectors, services
from practices.acting import choose_acting_organisation
from practices.roles import Role

# Roles whose day is spent in one place land there; others on the home page's cards.
LANDING = {
    Role.URGENT_CARE_CLINICIAN: "carediary:home",
    Role.CARE_COORDINATOR: "caretracker:inbox",
    Role.CARE_HOME_STAFF: "caretracker:inbox",
    Role.DISTRICT_NURSE: "caretracker:inbox",
    Role.SOCIAL_WORKER: "caretracker:inbox",
    Role.HOSPITAL_CLINICIAN: "caretracker:caseload",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page for the role the user is acting in."""
    if request.acting is None and len(request.memberships) > 1:
        return redirect("choose_organisation")
    acting = request.acting
    if acting is not None and acting.role in LANDING:
        return redirect(LANDING[acting.role])
    can = {}
    write_back = None
    alert_count = 0
    if acting:
        can = {
            perm.name.lower(): has_org_permission(request.user, perm, acting.organisation)
            for perm in Perm
        }
        if can["book_for_patients"]:
            write_back = alert_summary(
                user=request.user, organisation=acting.organisation, kinds=WRITE_BACK_ALERT_KINDS
            )
        if can["review_access"] or can["manage_agreements"]:
            alert_count = alerts_for(user=request.user, organisation=acting.organisation).count()
    context = {"acting": acting, "can": can, "write_back": write_back, "alert_count": alert_count}
    return render(request, "organisation/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def choose_organisation(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    error = None
    if request.method == "POST":
        chosen = request.POST.get("organisation")
        for membership in request.memberships:
            if str(membership.organisation.public_id) == chosen:
                choose_acting_organisation(request, membership)
                return redirect(next_url or "home")
        error = "Select the organisation you are working for today."
    return render(
        request,
        "organisation/choose_organisation.html",
        {"memberships": request.memberships, "error": error, "next": next_url},
    )


@staff_view(Perm.VIEW_ORGANISATION_DETAILS)
def organisation(request: HttpRequest) -> HttpResponse:
    org = request.acting.organisation
    context = {
        "organisation": org,
        "sites": selectors.sites_of(org),
        "clinicians": selectors.clinicians_of(org),
        "member_practices": selectors.member_practices_of(org) if org.is_hub else None,
        "staff": selectors.staff_of(org)
        if has_org_permission(request.user, Perm.MANAGE_STAFF, org)
        else None,
        "can_manage_sites": has_org_permission(request.user, Perm.MANAGE_SITES, org),
        "can_manage_clinicians": has_org_permission(request.user, Perm.MANAGE_CLINICIANS, org),
    }
    return render(request, "organisation/organisation.html", context)


def _save_with(form, request: HttpRequest, save, success: str) -> HttpResponse | None:
    """Run a service with a valid form's data; on a rule failure, show it on the form."""
    if not form.is_valid():
        return None
    try:
        save(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None
    messages.success(request, success)
    return redirect("organisation:organisation")


@staff_view(Perm.MANAGE_SITES)
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest) -> HttpResponse:
    org = request.acting.organisation
    form = SiteForm(request.POST or None)
    if request.method == "POST":
        done = _save_with(
            form,
            request,
            lambda data: services.create_site(by=request.user, organisation=org, **data),
            "Site added.",
        )
        if done:
            return done
    return render(request, "organisation/site_form.html", {"form": form, "site": None})


@staff_view(Perm.MANAGE_SITES)
@require_http_methods(["GET", "POST"])
def list_size(request: HttpRequest) -> HttpResponse:
    """The practice's registered list size and the date it was counted."""
    practice = request.acting.organisation
    if not practice.is_practice:
        raise Http404("Only a GP practice has registered patients.")
    initial = {"patients": practice.list_size, "on": practice.list_size_on}
    form = ListSizeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = _save_with(
            form,
            request,
            lambda data: services.set_list_size(
                by=request.user, practice=practice, patients=data["patients"], on=data["on"]
            ),
            "List size updated.",
        )
        if done:
            return done
    return render(request, "organisation/list_size.html", {"form": form, "practice": practice})


@staff_view(Perm.MANAGE_SITES)
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, site_id: UUID) -> HttpResponse:
    site = selectors.get_site_of_or_404(request.acting.organisation, site_id)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST":
        done = _save_with(
            form,
            request,
            lambda data: services.update_site(by=request.user, site=site, **data),
            "Site updated.",
        )
        if done:
            return done
    return render(request, "organisation/site_form.html", {"form": form, "site": site})


@staff_view(Perm.MANAGE_CLINICIANS)
@require_http_methods(["GET", "POST"])
def clinician_create(request: HttpRequest) -> HttpResponse:
    org = request.acting.organisation
    form = ClinicianForm(request.POST or None)
    if request.method == "POST":
        done = _save_with(
            form,
            request,
            lambda data: services.create_clinician(by=request.user, organisation=org, **data),
            "Clinician added.",
        )
        if done:
            return done
    return render(request, "organisation/clinician_form.html", {"form": form, "clinician": None})


@staff_view(Perm.MANAGE_CLINICIANS)
@require_http_methods(["GET", "POST"])
def clinician_edit(request: HttpRequest, clinician_id: UUID) -> HttpResponse:
    clinician = selectors.get_clinician_of_or_404(request.acting.organisation, clinician_id)
    form = ClinicianForm(request.POST or None, instance=clinician)
    if request.method == "POST":
        done = _save_with(
            form,
            request,
            lambda data: services.update_clinician(by=request.user, clinician=clinician, **data),
            "Clinician updated.",
        )
        if done:
            return done
    return render(
        request, "organisation/clinician_form.html", {"form": form, "clinician": clinician}
    )


@staff_view(Perm.MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def staff_add(request: HttpRequest) -> HttpResponse:
    org = request.acting.organisation
    form = StaffMemberForm(request.POST or None, organisation=org)
    if request.method == "POST":
        done = _save_with(
            form,
            request,
            lambda data: staff.add_staff_member(by=request.user, organisation=org, **data),
            "Member of staff added.",
        )
        if done:
            return done
    return render(request, "organisation/staff_form.html", {"form": form})


@staff_view(Perm.MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, membership_id: UUID) -> HttpResponse:
    org = request.acting.organisation
    membership = selectors.get_membership_of_or_404(org, membership_id)
    action = request.POST.get("action")
    form = StaffRoleForm(
        (request.POST or None) if action != "cis2" else None,
        organisation=org,
        initial={"role": membership.role},
    )
    cis2_form = (
        Cis2IdentityForm(
            request.POST if action == "cis2" else None,
            initial={"cis2_uid": membership.cis2_uid},
        )
        if settings.CIS2_ENABLED
        else None
    )
    if request.method == "POST":
        if cis2_form is not None and action == "cis2":
            if cis2_form.is_valid():
                try:
                    staff.link_cis2_identity(
                        by=Actor.from_request(request),
                        membership=membership,
                        uid=cis2_form.cleaned_data["cis2_uid"],
                    )
                except ValidationError as error:
                    apply_service_errors(cis2_form, error)
                else:
                    messages.success(request, "CIS2 sign-in updated.")
                    return redirect("organisation:organisation")
        elif action == "end":
            try:
                staff.end_membership(by=request.user, membership=membership)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"{membership.user.display_name} no longer works here.")
                return redirect("organisation:organisation")
        else:
            done = _save_with(
                form,
                request,
                lambda data: staff.change_staff_role(
                    by=request.user, membership=membership, role=data["role"]
                ),
                "Role changed.",
            )
            if done:
                return done
    return render(
        request,
        "organisation/staff_edit.html",
        {"form": form, "cis2_form": cis2_form, "membership": membership},
    )
