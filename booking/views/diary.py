"""Day and week diaries: a practice's own sessions, and the pooled diary a hub or urgent-care
service books from."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from booking import diaries
from booking.forms.diary import DiaryForm
from core.ids import validate_uuid
from governance.access import Purpose, audit_listing
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm


def _window(form: DiaryForm) -> diaries.Window:
    return diaries.Window.around(form.day(), form.view_name())


def _audit_names_shown(request: HttpRequest, window: diaries.Window, days) -> None:
    """The day view names the patients booked: a list of patients is patient data."""
    if window.view == diaries.DAY:
        rows = [row for day in days for session in day.sessions for row in session.slots]
        audit_listing(
            Actor.from_request(request),
            Purpose.BOOK,
            action=Action.BOOKING_DIARY,
            patients=diaries.patients_shown(rows),
        )


@staff_view(Perm.MANAGE_SESSIONS)
@require_GET
def practice_diary(request: HttpRequest) -> HttpResponse:
    window = _window(DiaryForm(request.GET))
    days = diaries.practice_diary(actor=Actor.from_request(request), window=window)
    _audit_names_shown(request, window, days)
    context = {"days": days, "window": window, "any_sessions": any(d.sessions for d in days)}
    return render(request, "booking/practice_diary.html", context)


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
def diary(request: HttpRequest) -> HttpResponse:
    """The pooled diary. Asked for no day, it opens on the first day with free slots
    released to the organisation (today, if it has any left)."""
    form = DiaryForm(request.GET)
    window = _window(form)
    opened_ahead = None
    if not request.GET.get("date") and window.view == diaries.DAY:
        first = diaries.first_day_with_free_slots(request.acting.organisation, now=timezone.now())
        if first is not None and first != window.first:
            opened_ahead = window.first
            window = diaries.Window.around(first, diaries.DAY)
    practices = diaries.pooled_practice_choices(request.acting.organisation)
    wanted = form.cleaned_data.get("practice") if form.is_valid() else None
    practice = next((p for p in practices if p.public_id == wanted), None)
    days = diaries.pooled_diary(actor=Actor.from_request(request), window=window, practice=practice)
    _audit_names_shown(request, window, days)
    patient_id = validate_uuid(request.GET.get("patient", ""))
    keep = {"practice": practice.public_id if practice else None, "patient": patient_id}
    keep = {name: value for name, value in keep.items() if value}
    context = {
        "days": days,
        "window": window,
        "opened_ahead": opened_ahead,
        "any_sessions": any(d.sessions for d in days),
        "practices": practices,
        "practice": practice,
        "patient_id": patient_id,
        "query_extra": f"&{urlencode(keep)}" if keep else "",
    }
    return render(request, "booking/diary.html", context)
