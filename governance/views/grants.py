"""Honorary access: a named user holds a role here for a bounded time."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontend.forms import apply_service_errors
from governance import grants, selectors
from governance.audit import Actor
from governance.decorators import staff_view
from governance.forms import AccessGrantForm
from governance.permissions import Perm

PAGE_SIZE = 50


@staff_view(Perm.GRANT_ACCESS)
@require_GET
def grant_list(request: HttpRequest) -> HttpResponse:
    grants = selectors.grants_of(request.acting.organisation)
    page = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/grant_list.html", {"page": page})


@staff_view(Perm.GRANT_ACCESS)
@require_http_methods(["GET", "POST"])
def grant_create(request: HttpRequest) -> HttpResponse:
    organisation = request.acting.organisation
    form = AccessGrantForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = grants.grant_access(
                by=Actor.from_request(request),
                user=data["user"],
                role=data["role"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                reason=data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{grant.user.display_name} has honorary access as "
                f"{grant.get_role_display().lower()}.",
            )
            return redirect("governance:grants")
    return render(request, "governance/grant_form.html", {"form": form})


@staff_view(Perm.GRANT_ACCESS)
@require_POST
def grant_revoke(request: HttpRequest, grant_id: UUID) -> HttpResponse:
    grant = selectors.get_grant_of_or_404(request.acting.organisation, grant_id)
    try:
        grants.revoke_access_grant(by=Actor.from_request(request), grant=grant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{grant.user.display_name}'s honorary access is revoked.")
    return redirect("governance:grants")
