"""The access report: who did what with which patient's data, filtered, paged, exported.
Looking at it, or downloading it, is itself audited."""

import csv
import uuid
from itertools import chain
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from governance import reports, selectors
from governance.access import Purpose
from governance.actions import Action
from governance.audit import Actor, record_event
from governance.decorators import staff_view
from governance.forms import AccessReportForm
from governance.permissions import Perm
from patients.models import Patient
from patients.selectors import patient_with_nhs_number

PAGE_SIZE = 50


def _audit(request: HttpRequest, action: Action, filters: dict, shown) -> None:
    """Record the look at the report: which filters were used (never what was typed) and
    every patient it showed. Filtered to one patient, the event is about that patient."""
    patient = None
    if filters.get("nhs_number"):
        patient = patient_with_nhs_number(filters["nhs_number"])
    elif filters.get("patient_public_id"):
        patient = Patient.objects.filter(public_id=filters["patient_public_id"]).first()
    record_event(
        actor=Actor.from_request(request),
        action=action,
        patient=patient,
        purpose=Purpose.VIEW_RECORD,
        reason="filters=" + (",".join(sorted(filters)) or "none"),
        patients=shown,
    )


def _query(form: AccessReportForm) -> str:
    """The report's address for these filters, an NHS number turned into the patient's id
    (an unknown number into an id no patient has, so the answer is the same: no events)."""
    query = {
        name: value
        for name, value in form.data.items()
        if name not in ("nhs_number", "csrfmiddlewaretoken", "patient_public_id") and value
    }
    number = form.cleaned_data.get("nhs_number")
    if number:
        patient = patient_with_nhs_number(number)
        query["patient_public_id"] = str(patient.public_id if patient else uuid.uuid4())
    elif form.cleaned_data.get("patient_public_id"):
        query["patient_public_id"] = str(form.cleaned_data["patient_public_id"])
    return urlencode(query)


def _patients_shown(events) -> list:
    return [event.patient for event in events if event.patient_shown]


@staff_view(Perm.REVIEW_ACCESS)
@require_http_methods(["GET", "POST"])
def access_report(request: HttpRequest) -> HttpResponse:
    """The filters are posted and come back as an address with the patient's id in place of
    their NHS number (post, redirect, get), so the number is in no address or log."""
    if request.method == "POST":
        form = AccessReportForm(request.POST)
        if not form.is_valid():
            return render(request, "governance/access_report.html", {"form": form, "page": None})
        return redirect(f"{request.path}?{_query(form)}")
    form = AccessReportForm(request.GET)
    page = None
    if form.is_valid():
        filters = form.filters()
        events = selectors.access_report(actor=Actor.from_request(request), **filters)
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        _audit(request, Action.AUDIT_REPORT, filters, _patients_shown(page))
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
    events = selectors.access_report(actor=Actor.from_request(request), **filters)
    shown = Patient.objects.filter(pk__in=events.filter(patient_shown=True).values("patient"))
    _audit(request, Action.AUDIT_EXPORT, filters, list(shown))
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
