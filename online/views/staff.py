"""Staff pages of patients online: a practice prints a registration key letter; the hub sees
its waiting list, the offers made from it and how many it filled, and puts a patient on it
or takes them off."""

import datetime
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.access import Purpose, audit_listing, get_patient_or_404, visible
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm
from online.accounts import KEY_LIFETIME, issue_linkage_key
from online.forms import KINDS, WaitingListForm
from online.models import Offer, WaitingListEntry
from online.policy import hub_of, sites_of
from online.waiting_list import join_waiting_list, leave_waiting_list

FILL_RATE_DAYS = 28


@staff_view(Perm.MANAGE_REGISTERED_PATIENTS)
@require_POST
def registration_key(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """Print a key for one of the practice's own patients: shown once, on a letter."""
    actor = Actor.from_request(request)
    patient = get_patient_or_404(
        actor, patient_id, Purpose.MANAGE_REGISTRATION, action=Action.PATIENT_VIEW
    )
    if patient.registered_practice_id != request.acting.organisation.pk:
        raise Http404("No patient found.")
    key = issue_linkage_key(by=actor, patient=patient)
    context = {
        "patient": patient,
        "practice": request.acting.organisation,
        "key": key,
        "expires": timezone.now() + KEY_LIFETIME,
        "register_url": settings.SITE_URL.rstrip("/") + "/patient/register/",
    }
    return render(request, "online/staff/registration_letter.html", context)


def _hub(request: HttpRequest):
    organisation = request.acting.organisation
    if not organisation.is_hub:
        raise PermissionDenied("Only a hub keeps a waiting list.")
    return organisation


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_GET
def waiting_list(request: HttpRequest) -> HttpResponse:
    hub = _hub(request)
    actor = Actor.from_request(request)
    entries = list(
        visible(
            actor,
            Purpose.BOOK,
            WaitingListEntry.objects.filter(hub=hub, status=WaitingListEntry.Status.WAITING),
        )
        .select_related("patient__registered_practice")
        .prefetch_related("sites")
        .order_by("created_at")[:200]
    )
    since = timezone.now() - datetime.timedelta(days=FILL_RATE_DAYS)
    recent_offers = list(
        visible(actor, Purpose.BOOK, Offer.objects.filter(entry__hub=hub), via="entry__patient")
        .filter(offered_at__gte=since)
        .select_related("entry__patient", "slot__practice", "slot__site")
        .order_by("-offered_at")[:50]
    )
    audit_listing(
        actor,
        Purpose.BOOK,
        action=Action.WAITING_LIST_VIEW,
        patients=[e.patient for e in entries] + [o.entry.patient for o in recent_offers],
    )
    made = Offer.objects.filter(entry__hub=hub, offered_at__gte=since).aggregate(
        made=Count("pk"),
        accepted=Count("pk", filter=Q(status=Offer.Status.ACCEPTED)),
    )
    closed = WaitingListEntry.objects.filter(hub=hub, closed_at__gte=since).aggregate(
        closed=Count("pk"),
        booked=Count("pk", filter=Q(status=WaitingListEntry.Status.BOOKED)),
    )
    context = {
        "hub": hub,
        "entries": entries,
        "offers": recent_offers,
        "made": made,
        "closed": closed,
        "days": FILL_RATE_DAYS,
    }
    return render(request, "online/staff/waiting_list.html", context)


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_http_methods(["GET", "POST"])
def add_to_waiting_list(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    """A receptionist puts the patient on their hub's waiting list, on their behalf."""
    actor = Actor.from_request(request)
    patient = get_patient_or_404(actor, patient_id, Purpose.BOOK, action=Action.BOOKING_PATIENT)
    hub = request.acting.organisation if request.acting.organisation.is_hub else hub_of(patient)
    if hub is None or not hub.member_practices.filter(pk=patient.registered_practice_id).exists():
        messages.error(request, "This patient's practice is not in a hub with a waiting list.")
        return redirect("patients:detail", patient.public_id)
    form = WaitingListForm(
        request.POST or None,
        initial={"contact_by": "sms" if patient.mobile else "email"},
        sites=sites_of(hub),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        join_waiting_list(
            by=actor,
            patient=patient,
            hub=hub,
            weekdays=data["weekdays"],
            earliest=data["earliest"],
            latest=data["latest"],
            sites=list(data["sites"]),
            delivery_channels=list(KINDS[data["kind"]]),
            contact_by=data["contact_by"],
            reason=data["reason"],
        )
        messages.success(request, f"{patient.full_name} is on {hub.name}'s waiting list.")
        return redirect("patients:detail", patient.public_id)
    context = {"form": form, "patient": patient, "hub": hub}
    return render(request, "online/staff/add_to_waiting_list.html", context)


@staff_view(Perm.BOOK_FOR_PATIENTS)
@require_POST
def remove_from_waiting_list(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    hub = _hub(request)
    entry = (
        WaitingListEntry.objects.select_related("patient")
        .filter(public_id=entry_id, hub=hub, status=WaitingListEntry.Status.WAITING)
        .first()
    )
    if entry is None:
        raise Http404("No entry found.")
    leave_waiting_list(by=Actor.from_request(request), entry=entry)
    messages.success(request, f"{entry.patient.full_name} is off the waiting list.")
    return redirect("online_staff:waiting_list")
