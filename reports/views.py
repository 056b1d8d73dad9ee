"""Report pages: each a chart with its table beside it, and the table as a CSV download.
Figures about the organisation's appointments in counts, never about a patient, for those
whose role reports (Perm.VIEW_REPORTS)."""

import csv
import datetime
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.replica import reads_from_replica
from governance.decorators import staff_view
from governance.permissions import Perm
from reports import charts, extract, figures, selectors
from reports.compliance import (
    MINUTES_PER_1000_PATIENTS,
    NETWORK_STANDARD_MINUTES,
    Compliance,
    week_of,
)
from reports.forms import ReportFilterForm, sites_of
from reports.tables import Column, build

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


@staff_view(Perm.VIEW_REPORTS)
@require_GET
@reads_from_replica
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
        [(f.name, f.minutes_per_1000, _blank(f.minutes_per_1000)) for f in everyone],
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
    lines = [[name for name, _ in CSV_FIELDS]]
    lines += [[value(row) for _, value in CSV_FIELDS] for row in rows]
    return _csv_response(lines, filename)


def _csv_response(lines: list[list], filename: str) -> HttpResponse:
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    return HttpResponse(
        "\ufeff" + out.getvalue(),  # the byte-order mark tells Excel the file is UTF-8
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


# The pages on the summary tables --------------------------------------------------------


@staff_view(Perm.VIEW_REPORTS)
@require_GET
@reads_from_replica
def index(request: HttpRequest) -> HttpResponse:
    organisation = _reporting(request)
    reports = [
        (
            reverse("reports:compliance"),
            "Enhanced Access this week",
            "Minutes per 1,000 patients against the 60 required, the Network Standard Hours, "
            "slots for urgent care, NHS 111 and online, with shortfalls marked.",
        ),
        (
            reverse("reports:utilisation"),
            "Utilisation",
            "Slots offered, booked, attended, not attended and unused, by practice, site, "
            "category, role, day and hour; the fill rate week by week.",
        ),
        (
            reverse("reports:fair_share"),
            "Fair share",
            "Each practice's slots given to the hub against its patients' use of them.",
        ),
        (
            reverse("reports:did_not_attend"),
            "Did not attend",
            "By practice, how it was booked, time from booking, and whether a reminder went.",
        ),
        (
            reverse("reports:flows"),
            "Flows between practices",
            "Where each practice's patients were seen, and who booked them.",
        ),
        (
            reverse("reports:appointments"),
            "Monthly appointment data",
            "A month's appointments in the national appointment data's fields, as CSV.",
        ),
    ]
    return render(
        request,
        "reports/index.html",
        {
            "organisation": organisation,
            "reports": reports,
            "refreshed_at": selectors.refreshed_at(),
        },
    )


@staff_view(Perm.VIEW_REPORTS)
@require_GET
@reads_from_replica
def appointments(request: HttpRequest) -> HttpResponse:
    """A month's appointments in the national appointment data's fields: the page counts
    them by status (small numbers withheld); the CSV is the collection's shape."""
    organisation = _reporting(request)
    practices = selectors.reporting_practices(organisation)
    today = timezone.localdate()
    try:
        month = datetime.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = today.replace(day=1)
    if not 2000 <= month.year <= 2099:
        month = today.replace(day=1)
    first, last = extract.month_of(month)
    rows = extract.monthly_extract(practices, month)
    if request.GET.get("format") == "csv":
        return _csv_response(
            [extract.FIELDS, *rows], f"appointments-{organisation.ods_code}-{first:%Y-%m}.csv"
        )
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row[8]] = by_status.get(row[8], 0) + row[9]
    table = build(
        "appointment-status",
        f"Appointments in {first:%B %Y} by status",
        "Status",
        [Column("appointments", "Appointments")],
        [(status, {"appointments": n}) for status, n in sorted(by_status.items())],
        total="All",
    )
    months = [
        (today.replace(day=1) - datetime.timedelta(days=31 * i)).replace(day=1) for i in range(13)
    ]
    return render(
        request,
        "reports/appointments.html",
        {
            "organisation": organisation,
            "first": first,
            "last": last,
            "table": table,
            "rows": len(rows),
            "months": months,
            "fields": extract.FIELDS,
            "refreshed_at": selectors.refreshed_at(),
        },
    )


@staff_view(Perm.VIEW_REPORTS)
@require_GET
@reads_from_replica
def utilisation(request: HttpRequest) -> HttpResponse:
    return _report(
        request,
        title="Utilisation",
        intro=(
            "Slots offered and how they were used: booked, attended, not attended, and "
            "unused (started with no booking). The fill rate is the share booked."
        ),
        breakdowns=figures.UTILISATION_BY,
        tables=lambda scope, by: [figures.utilisation(scope, by)],
    )


@staff_view(Perm.VIEW_REPORTS)
@require_GET
@reads_from_replica
def fair_share(request: HttpRequest) -> HttpResponse:
    return _report(
        request,
        title="Fair share",
        intro=(
            "Each practice's share of the slots given to the hub (Extended Access sessions) "
            "against its patients' share of the appointments in them. A positive imbalance "
            "means its patients used more than it gave."
        ),
        tables=lambda scope, by: [figures.fair_share(scope)],
    )


@staff_view(Perm.VIEW_REPORTS)
@require_GET
@reads_from_replica
def did_not_attend(request: HttpRequest) -> HttpResponse:
    return _report(
        request,
        title="Did not attend",
        intro=(
            "Appointments that have happened, and the share the patient did not attend. An "
            "appointment with no outcome recorded counts as one that happened."
        ),
        breakdowns=figures.DNA_BY,
        tables=lambda scope, by: [figures.did_not_attend(scope, by)],
    )


@staff_view(Perm.VIEW_REPORTS)
@require_GET
@reads_from_replica
def flows(request: HttpRequest) -> HttpResponse:
    return _report(
        request,
        title="Flows between practices",
        intro=(
            "Where patients were seen: each row is the practice they are registered with, "
            "each column the practice whose slot they had. Then who booked them."
        ),
        tables=lambda scope, by: [figures.flows(scope), figures.sources(scope)],
    )


def _reporting(request: HttpRequest):
    organisation = request.acting.organisation
    if not (organisation.is_hub or organisation.is_practice):
        raise Http404("Reports are for hubs and practices.")
    return organisation


def _report(request, *, title, intro, tables, breakdowns=None) -> HttpResponse:
    """A report page: the filters, then each table with its chart; ?format=csv&table=…
    downloads a table as the page shows it."""
    organisation = _reporting(request)
    practices = selectors.reporting_practices(organisation)
    form = ReportFilterForm(
        request.GET or None,
        practices=practices,
        sites=sites_of(practices),
        breakdowns=breakdowns,
    )
    valid = form.is_valid()
    scope = form.scope() if valid else form.default_scope()
    by = (valid and form.cleaned_data.get("by")) or next(iter(breakdowns or {"": ""}))
    built = tables(scope, by)
    if request.GET.get("format") == "csv":
        chosen = request.GET.get("table") or built[0].slug
        table = next((t for t in built if t.slug == chosen), None)
        if table is None:
            raise Http404("No such table.")
        name = f"{table.slug}-{organisation.ods_code}-{scope.first_day}-{scope.last_day}.csv"
        return _csv_response(table.csv_rows(), name)
    sections = [
        {
            "table": table,
            "chart": charts.bar_chart(table.chart_title, table.chart_values())
            if table.chart_key
            else None,
            "csv": _with(request, format="csv", table=table.slug),
        }
        for table in built
    ]
    return render(
        request,
        "reports/report.html",
        {
            "organisation": organisation,
            "title": title,
            "intro": intro,
            "form": form,
            "scope": scope,
            "sections": sections,
            "refreshed_at": selectors.refreshed_at(),
        },
    )


def _with(request: HttpRequest, **values: str) -> str:
    query = request.GET.copy()
    for key, value in values.items():
        query[key] = value
    return "?" + query.urlencode()
