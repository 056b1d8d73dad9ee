"""Report pages: each a chart with its table beside it, and the table as a CSV download.
Figures about the organisation's appointments, never about a patient: every member of its
staff may see them."""

import csv
import datetime
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from governance.decorators import staff_view
from governance.permissions import Perm
from reports import charts, selectors
from reports.compliance import (
    MINUTES_PER_1000_PATIENTS,
    NETWORK_STANDARD_MINUTES,
    Compliance,
    week_of,
)

CSV_FIELDS = (
    ("Organisation", lambda f: f.name),
    ("ODS code", lambda f: f.ods_code),
    ("Registered patients", lambda f: f.list_size if f.list_size is not None else ""),
    ("Minutes offered", lambda f: f.minutes_offered),
    ("Minutes required", lambda f: f.required_minutes if f.required_minutes is not None else ""),
    ("Minutes per 1,000 patients", lambda f: _blank(f.minutes_per_1000)),
    ("Network Standard Hours covered (minutes)", lambda f: f.standard_hours_covered),
    ("Network Standard Hours (minutes)", lambda f: NETWORK_STANDARD_MINUTES),
    ("Of those, minutes with no GP", lambda f: f.standard_hours_without_gp),
    ("Face-to-face minutes", lambda f: f.face_to_face_minutes),
    ("Remote minutes", lambda f: f.remote_minutes),
    ("Slots", lambda f: f.slots),
    ("Bookable two weeks ahead", lambda f: f.bookable_two_weeks_ahead),
    ("Bookable on the day", lambda f: f.bookable_on_the_day),
    ("Released to urgent care", lambda f: f.released_to_urgent_care),
    ("Released to patients online", lambda f: f.released_online),
    ("Kept for NHS 111", lambda f: f.kept_for_nhs111),
    ("NHS 111 target (slots a week)", lambda f: _blank(f.nhs111_target)),
)


def _blank(value):
    return "" if value is None else value


def _week(request: HttpRequest) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    if not 2000 <= day.year <= 2099:
        day = timezone.localdate()
    return week_of(day)[0]


@staff_view(Perm.VIEW_ORGANISATION_DETAILS)
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    """Enhanced Access in one week: for a hub, each member practice and the hub together."""
    organisation = request.acting.organisation
    if not (organisation.is_hub or organisation.is_practice):
        raise Http404("Reports are for hubs and practices.")
    monday = _week(request)
    rows, total = selectors.compliance_for(organisation, monday)
    everyone = [*rows, total] if total is not None else rows
    if request.GET.get("format") == "csv":
        return _csv(everyone, f"enhanced-access-{organisation.ods_code}-{monday}.csv")
    chart = charts.bar_chart(
        "Minutes of appointments per 1,000 registered patients",
        [(f.name, f.minutes_per_1000) for f in everyone],
        target=MINUTES_PER_1000_PATIENTS,
    )
    context = {
        "organisation": organisation,
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "previous": monday - datetime.timedelta(days=7),
        "next": monday + datetime.timedelta(days=7),
        "rows": rows,
        "total": total,
        "chart": chart,
        "target": MINUTES_PER_1000_PATIENTS,
        "standard_minutes": NETWORK_STANDARD_MINUTES,
        "missing_list_sizes": [f.name for f in rows if not f.list_size],
    }
    return render(request, "reports/compliance.html", context)


def _csv(rows: list[Compliance], filename: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([name for name, _ in CSV_FIELDS])
    for row in rows:
        writer.writerow([value(row) for _, value in CSV_FIELDS])
    return HttpResponse(
        "\ufeff" + out.getvalue(),  # the byte-order mark tells Excel the file is UTF-8
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
