"""The access report: who did what with which patient's data, filtered, paged, exported.
Looking at it, or downloading it, is itself audited."""

import csv
from itertools import chain

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from governance import reports, selectors
from governance.audit import Actor, record_event
from governance.forms import AccessReportForm
from governance.permissions import Perm
from patients.selectors import patient_with_nhs_number
from practices.decorators import staff_view

PAGE_SIZE = 50


def _audit(request: HttpRequest, action: str, filters: dict) -> None:
    """Record the look at the report: which filters were used, never what was typed. Filtered
    to one patient, the event is about that patient."""
    patient = None
    if filters.get("nhs_number"):
        patient = patient_with_nhs_number(filters["nhs_number"])
    record_event(
        actor=Actor.from_request(request),
        action=action,
        patient=patient,
        reason="filters=" + (",".join(sorted(filters)) or "none"),
    )


@staff_view(Perm.REVIEW_ACCESS)
@require_GET
def access_report(request: HttpRequest) -> HttpResponse:
    form = AccessReportForm(request.GET)
    page = None
    if form.is_valid():
        filters = form.filters()
        _audit(request, "audit.report", filters)  # first, so the page and its count agree
        events = selectors.access_report(organisation=request.acting.organisation, **filters)
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/access_report.html", {"form": form, "page": page})


class _Echo:
    """A file-like object whose write hands the line straight back, for streaming."""

    def write(self, value: str) -> str:
        return value


@staff_view(Perm.REVIEW_ACCESS)
@require_GET
def access_report_csv(request: HttpRequest) -> HttpResponse:
    form = AccessReportForm(request.GET)
    if not form.is_valid():
        return render(
            request, "governance/access_report.html", {"form": form, "page": None}, status=400
        )
    filters = form.filters()
    organisation = request.acting.organisation
    events = selectors.access_report(organisation=organisation, **filters)
    _audit(request, "audit.export", filters)
    writer = csv.writer(_Echo())
    filename = f"access-report-{organisation.ods_code}-{timezone.localdate():%Y-%m-%d}.csv"
    rows = (writer.writerow(row) for row in reports.csv_rows(events.iterator(chunk_size=2000)))
    return StreamingHttpResponse(
        chain(["\ufeff"], rows),  # the byte-order mark tells Excel the file is UTF-8
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
