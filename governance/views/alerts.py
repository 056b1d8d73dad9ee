"""Open alerts: what the user's role at their organisation must look at, whichever part of
Hub Diary raised them (governance, write-back, the care tracker)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance import selectors
from governance.decorators import staff_view, staff_view_any

PAGE_SIZE = 50


@staff_view_any(*selectors.ALERT_KINDS_BY_PERM)
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """Each alert names no patient; it links to where it is acted on."""
    alerts = selectors.alerts_for(user=request.user, organisation=request.acting.organisation)
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/alerts.html", {"page": page})


@staff_view()
@require_GET
def alert_count(request: HttpRequest) -> HttpResponse:
    """The header's count, fetched after the page has loaded so that no page pays for it;
    a role that receives no alerts gets nothing to show."""
    count = selectors.alerts_for(
        user=request.user, organisation=request.acting.organisation
    ).count()
    response = render(request, "governance/_alert_count.html", {"count": count})
    response["Cache-Control"] = "no-store"
    return response
