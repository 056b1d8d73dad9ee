"""Open alerts: things the organisation's IG lead, agreement manager or booking staff must
look at."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance import selectors
from governance.decorators import staff_view_any
from governance.permissions import Perm

PAGE_SIZE = 50


@staff_view_any(Perm.REVIEW_ACCESS, Perm.MANAGE_AGREEMENTS)
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """Each alert names no patient; it links to the agreement, the break-glass review or the
    practice system problems list."""
    alerts = selectors.alerts_for(user=request.user, organisation=request.acting.organisation)
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/alerts.html", {"page": page})
