"""The waiting list, for the patient: join it with what would suit, see and leave it; and the
offer link sent when a slot comes free, which needs no sign-in (it went to the patient
alone, and holds only a token) and shows nothing but the offered appointment."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from booking.errors import BookingError
from governance.audit import Actor
from online import offers, throttle
from online.decorators import patient_actor, patient_view
from online.forms import KINDS, WaitingListForm
from online.models import WaitingListEntry
from online.policy import hub_of, sites_of
from online.waiting_list import join_waiting_list, leave_waiting_list

_KIND_OF = {channels: kind for kind, channels in KINDS.items()}
_ANSWERS, _WINDOW = 20, 60 * 60


def _waiting(request: HttpRequest, hub) -> WaitingListEntry | None:
    return (
        WaitingListEntry.objects.filter(
            hub=hub,
            patient=request.patient_account.patient,
            status=WaitingListEntry.Status.WAITING,
        )
        .prefetch_related("sites")
        .first()
    )


@patient_view
@require_http_methods(["GET", "POST"])
def waiting_list(request: HttpRequest) -> HttpResponse:
    patient = request.patient_account.patient
    hub = hub_of(patient)
    if hub is None:
        return render(
            request,
            "online/cannot_book.html",
            {"reason": "Your GP practice does not offer evening and weekend appointments online."},
            status=404,
        )
    entry = _waiting(request, hub)
    initial = {"contact_by": "sms" if patient.mobile else "email"}
    if entry is not None:
        initial = {
            "weekdays": entry.weekdays,
            "earliest": entry.earliest,
            "latest": entry.latest,
            "sites": list(entry.sites.all()),
            "kind": _KIND_OF.get(tuple(entry.delivery_channels), ""),
            "contact_by": entry.contact_by,
            "reason": entry.reason,
        }
    form = WaitingListForm(request.POST or None, initial=initial, sites=sites_of(hub))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        join_waiting_list(
            by=patient_actor(request),
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
        messages.success(
            request,
            "You are on the waiting list. We will tell you when an appointment that suits you "
            "comes free.",
        )
        return redirect("online:waiting_list")
    return render(request, "online/waiting_list.html", {"form": form, "entry": entry})


@patient_view
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    hub = hub_of(request.patient_account.patient)
    entry = _waiting(request, hub) if hub else None
    if entry is not None:
        leave_waiting_list(by=patient_actor(request), entry=entry)
        messages.success(request, "You have left the waiting list.")
    return redirect("online:appointments")


@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest, token: str) -> HttpResponse:
    """An appointment offered from the waiting list: accept it, or let it go to the next."""
    if request.method == "POST" and not throttle.allow(
        "offer",
        request.META.get("REMOTE_ADDR") or "unknown",
        limit=_ANSWERS,
        window_seconds=_WINDOW,
    ):
        return render(request, "online/too_many_attempts.html", status=429)
    try:
        found = offers.open_offer(token)
    except offers.OfferGone as error:
        return render(request, "online/offer_gone.html", {"reason": str(error)}, status=410)
    if request.method == "POST":
        actor = Actor.from_request(request)
        try:
            if request.POST.get("answer") == "accept":
                booking = offers.accept_offer(token=token, actor=actor)
                return render(request, "online/offer_accepted.html", {"booking": booking})
            offers.decline_offer(token=token, actor=actor)
        except offers.OfferGone as error:
            return render(request, "online/offer_gone.html", {"reason": str(error)}, status=410)
        except BookingError as error:
            return render(request, "online/offer_gone.html", {"reason": error.message}, status=409)
        return render(request, "online/offer_declined.html")
    return render(request, "online/offer.html", {"offer": found, "slot": found.slot})
