"""The IG lead's review of break-glass access to their practice's patients. The only screen
that shows a patient next to a break-glass event."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from frontend.forms import apply_service_errors
from governance import break_glass, selectors
from governance.access import Purpose, get_patient_or_404
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.forms import AccessReviewForm
from governance.models import BreakGlass
from governance.permissions import Perm

PAGE_SIZE = 50


@staff_view(Perm.REVIEW_ACCESS)
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """Waiting reviews first. Names the member of staff, not the patient."""
    events = selectors.break_glass_for_review(request.acting.organisation)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/break_glass_review_list.html", {"page": page})


@staff_view(Perm.REVIEW_ACCESS)
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, break_glass_id: UUID) -> HttpResponse:
    event = selectors.get_break_glass_for_review_or_404(request.acting.organisation, break_glass_id)
    # Seeing who the patient is, is itself an access to their data: decided and audited.
    patient = get_patient_or_404(
        Actor.from_request(request),
        event.patient.public_id,
        Purpose.VIEW_RECORD,
        action=Action.BREAK_GLASS_REVIEW_VIEW,
    )
    form = AccessReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass.review_break_glass(
                by=Actor.from_request(request), event=event, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Review recorded.")
            return redirect("governance:break_glass_reviews")
    context = {
        "event": event,
        "patient": patient,
        "activity": selectors.break_glass_activity(event),
        "form": form,
        "show_form": event.review == BreakGlass.Review.PENDING,
    }
    return render(request, "governance/break_glass_review.html", context)
