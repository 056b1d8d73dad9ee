"""Practice staff: how many slots the practice keeps each day for NHS 111 to book, and
which are kept this week."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from booking import nhs111
from booking.forms.nhs111 import Nhs111ReservationForm
from booking.models import Nhs111Reservation, Slot
from frontend.forms import apply_service_errors
from governance.audit import Actor
from governance.decorators import staff_view
from governance.permissions import Perm


@staff_view(Perm.MANAGE_SESSIONS)
@require_http_methods(["GET", "POST"])
def reservation(request: HttpRequest) -> HttpResponse:
    practice = request.acting.organisation
    current = Nhs111Reservation.objects.filter(practice=practice).first()
    initial = (
        {"list_size": current.list_size, "slots_per_day": current.slots_per_day} if current else {}
    )
    form = Nhs111ReservationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            nhs111.set_reservation(
                by=Actor.from_request(request), practice=practice, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Saved. The slots are kept within 15 minutes.")
            return redirect("booking:nhs111_reservation")
    kept = Slot.objects.filter(
        practice=practice,
        reserved_for=nhs111.NHS_111,
        start__gte=timezone.now(),
        status__in=[Slot.Status.FREE, Slot.Status.BOOKED],
    ).order_by("start")[:100]
    context = {
        "form": form,
        "current": current,
        "minimum": nhs111.contract_minimum(current.list_size) if current else None,
        "kept": kept,
    }
    return render(request, "booking/nhs111_reservation.html", context)
