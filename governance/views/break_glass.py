from axes.helpers import get_lockout_response
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from frontend.forms import apply_service_errors
from governance import break_glass as emergency_access
from governance.audit import Actor
from governance.break_glass import BREAK_GLASS_MINUTES, SEARCHED_NHS_NUMBER
from governance.decorators import staff_view
from governance.forms import BreakGlassForm
from governance.permissions import Perm


@staff_view(Perm.BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    """Emergency access to a patient the user has no other basis to see."""
    # The number a search just failed to find, carried in the session, never the address.
    searched = request.session.get(SEARCHED_NHS_NUMBER, "")
    form = BreakGlassForm(request.POST or None, initial={"nhs_number": searched})
    if request.method == "POST" and form.is_valid():
        try:
            event = emergency_access.break_glass(
                by=Actor.from_request(request), request=request, **form.cleaned_data
            )
        except emergency_access.StepUpLockedOut:
            # The sign-in throttle's own answer (429), as the sign-in page gives it.
            return get_lockout_response(request, credentials={"username": request.user.username})
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.warning(
                request,
                f"You have emergency access to this record until "
                f"{event.expires_at:%H:%M}. The patient's practice will review it.",
            )
            return redirect("patients:detail", patient_id=event.patient.public_id)
    return render(
        request, "governance/break_glass.html", {"form": form, "minutes": BREAK_GLASS_MINUTES}
    )
