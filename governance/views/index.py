"""The governance start page: the areas the acting role can work in."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance import selectors
from governance.decorators import staff_view_any
from governance.permissions import Perm


@staff_view_any(Perm.REVIEW_ACCESS, Perm.MANAGE_AGREEMENTS, Perm.GRANT_ACCESS)
@require_GET
def governance_index(request: HttpRequest) -> HttpResponse:
    organisation = request.acting.organisation
    context = {
        "can": {perm.name.lower(): perm in request.perms for perm in Perm},
        "alert_count": selectors.alerts_for(user=request.user, organisation=organisation).count(),
    }
    return render(request, "governance/index.html", context)
