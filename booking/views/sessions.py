"""Practice staff: publish sessions, see one session, change who may book it and its national
appointment category, block and unblock its slots, cancel it, and print its run-sheet."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from booking import diaries
from booking.forms.release_rules import ReleaseRulesForm
from booking.forms.sessions import CategoriseSessionForm, PublishSessionForm, ReasonForm
from booking.models import Session, Slot
from booking.release_rules.stored import describe_rules
from booking.selectors import to_come_in_series
from booking.services import sessions
from frontend.forms import apply_service_errors
from governance.access import Purpose, audit_listing
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm


@staff_view(Perm.MANAGE_SESSIONS)
@require_http_methods(["GET", "POST"])
def session_publish(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = PublishSessionForm(data, practice=request.acting.organisation)
    rules = ReleaseRulesForm(data)
    if data is not None and all([form.is_valid(), rules.is_valid()]):
        try:
            published = sessions.publish_sessions(
                by=Actor.from_request(request), rules=rules.specs(), **form.session()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            count = len(published)
            messages.success(
                request,
                "Session published." if count == 1 else f"{count} weekly sessions published.",
            )
            return redirect("booking:session", session_id=published[0].public_id)
    context = {"form": form, "rules": rules}
    return render(request, "booking/session_form.html", context)


@staff_view(Perm.MANAGE_SESSIONS)
@require_GET
def session_detail(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = diaries.get_practice_session_or_404(
        actor=Actor.from_request(request), public_id=session_id
    )
    rows = diaries.session_rows(session)
    booked = [row.booking for row in rows if row.booking]
    audit_listing(
        Actor.from_request(request),
        Purpose.BOOK,
        action=Action.BOOKING_SESSION,
        patients=diaries.patients_shown(rows),
    )
    context = {
        "session": session,
        "rows": rows,
        "to_rebook": booked if session.status == session.Status.CANCELLED else [],
        "released_to": describe_rules(session.rules.all()),
        "rules_can_change": _rules_can_change(session),
    }
    return render(request, "booking/session_detail.html", context)


@staff_view(Perm.MANAGE_SESSIONS)
@require_http_methods(["GET", "POST"])
def session_rules(request: HttpRequest, session_id: UUID) -> HttpResponse:
    """Change who may book a published session's slots, from when, until when and how many.
    Bookings already made stand; free slots follow the new rules at once."""
    session = diaries.get_practice_session_or_404(
        actor=Actor.from_request(request), public_id=session_id
    )
    if not _rules_can_change(session):
        return render(request, "booking/session_rules.html", {"session": session})
    data = request.POST if request.method == "POST" else None
    rules = ReleaseRulesForm(data, rules=list(session.rules.all()))
    if data is not None and rules.is_valid():
        try:
            sessions.set_release_rules(
                by=Actor.from_request(request), session=session, rules=rules.specs()
            )
        except ValidationError as error:
            rules.add_service_error(error)
        else:
            messages.success(request, "Release rules saved. Free slots follow them from now on.")
            return redirect("booking:session", session_id=session.public_id)
    context = {"session": session, "rules": rules}
    return render(request, "booking/session_rules.html", context)


@staff_view(Perm.MANAGE_SESSIONS)
@require_http_methods(["GET", "POST"])
def session_category(request: HttpRequest, session_id: UUID) -> HttpResponse:
    """Map a session to the national appointment data: its category and service setting,
    and, for a weekly series, those of the sessions still to come."""
    session = diaries.get_practice_session_or_404(
        actor=Actor.from_request(request), public_id=session_id
    )
    later = to_come_in_series(session, now=timezone.now()).count()
    form = CategoriseSessionForm(request.POST or None, session=session, later_in_series=later)
    if request.method == "POST" and form.is_valid():
        try:
            changed = sessions.set_national_category(
                by=Actor.from_request(request),
                session=session,
                whole_series=form.cleaned_data.get("whole_series", False),
                **form.national_data(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            count = len(changed)
            messages.success(
                request,
                "National category saved."
                if count == 1
                else f"National category saved for this session and {count - 1} to come.",
            )
            return redirect("booking:session", session_id=session.public_id)
    return render(request, "booking/session_category.html", {"session": session, "form": form})


def _rules_can_change(session: Session) -> bool:
    return session.status != session.Status.CANCELLED and session.ends_at > timezone.now()


@staff_view(Perm.MANAGE_SESSIONS)
@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = diaries.get_practice_session_or_404(
        actor=Actor.from_request(request), public_id=session_id
    )
    form = ReasonForm(
        request.POST or None,
        label="Reason for cancelling the session",
        hint="For example, GP unwell. Practice staff and the hub see this.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            to_rebook = sessions.cancel_session(
                by=Actor.from_request(request),
                session=session,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if to_rebook:
                messages.warning(
                    request,
                    f"Session cancelled. {len(to_rebook)} patient"
                    f"{'s are' if len(to_rebook) != 1 else ' is'} still booked into it: "
                    "rebook or cancel each one and tell the patient.",
                )
            else:
                messages.success(request, "Session cancelled. No patients were booked into it.")
            return redirect("booking:session", session_id=session.public_id)
    return render(request, "booking/session_cancel.html", {"session": session, "form": form})


@staff_view(Perm.MANAGE_SESSIONS)
@require_GET
def run_sheet(request: HttpRequest, session_id: UUID) -> HttpResponse:
    session = diaries.get_practice_session_or_404(
        actor=Actor.from_request(request), public_id=session_id
    )
    rows = [row for row in diaries.session_rows(session) if row.state != Slot.Status.WITHDRAWN]
    audit_listing(
        Actor.from_request(request),
        Purpose.BOOK,
        action=Action.BOOKING_RUN_SHEET,
        patients=diaries.patients_shown(rows),
    )
    return render(request, "booking/run_sheet.html", {"session": session, "rows": rows})


@staff_view(Perm.MANAGE_SESSIONS)
@require_http_methods(["GET", "POST"])
def slot_block(request: HttpRequest, slot_id: UUID) -> HttpResponse:
    slot = diaries.get_practice_slot_or_404(practice=request.acting.organisation, public_id=slot_id)
    form = ReasonForm(
        request.POST or None,
        label="Reason for blocking the slot",
        hint="For example, clinician running late",
    )
    if request.method == "POST" and form.is_valid():
        try:
            sessions.block_slot(
                by=Actor.from_request(request), slot=slot, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Slot blocked. Nobody can book it until you unblock it.")
            return redirect("booking:session", session_id=slot.session.public_id)
    return render(request, "booking/slot_block.html", {"slot": slot, "form": form})


@staff_view(Perm.MANAGE_SESSIONS)
@require_POST
def slot_unblock(request: HttpRequest, slot_id: UUID) -> HttpResponse:
    slot = diaries.get_practice_slot_or_404(practice=request.acting.organisation, public_id=slot_id)
    try:
        sessions.unblock_slot(by=Actor.from_request(request), slot=slot)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Slot unblocked. It can be booked again.")
    return redirect("booking:session", session_id=slot.session.public_id)
