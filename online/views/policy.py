"""The hub manager's rules for booking online."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from governance.decorators import staff_view
from governance.permissions import Perm
from online.forms import OnlinePolicyForm
from online.models import OnlinePolicy
from online.policy import policy_of


@staff_view(Perm.MANAGE_SITES)
@require_http_methods(["GET", "POST"])
def online_policy(request: HttpRequest) -> HttpResponse:
    hub = request.acting.organisation
    if not hub.is_hub:
        raise PermissionDenied("Only a hub sets the rules for booking online.")
    policy = policy_of(hub)
    initial = {
        "max_future_bookings": policy.max_future_bookings,
        "cancel_cutoff_hours": int(policy.cancel_cutoff.total_seconds() // 3600),
        "hold_minutes": int(policy.hold_for.total_seconds() // 60),
        "offer_minutes": int(policy.offer_held_for.total_seconds() // 60),
    }
    form = OnlinePolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        OnlinePolicy.objects.update_or_create(
            hub=hub,
            defaults={
                "max_future_bookings": data["max_future_bookings"],
                "cancel_cutoff": datetime.timedelta(hours=data["cancel_cutoff_hours"]),
                "hold_for": datetime.timedelta(minutes=data["hold_minutes"]),
                "offer_held_for": datetime.timedelta(minutes=data["offer_minutes"]),
            },
        )
        messages.success(request, "Rules for booking online saved.")
        return redirect("online_staff:policy")
    return render(request, "online/staff/policy.html", {"form": form, "hub": hub})
