"""Care relationships: claiming one with a reason, to see a patient no agreement covers, and
the patient's practice reviewing the access that rested on one."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.paging import PAGE_SIZE
from frontend.forms import apply_service_errors
from governance import relationships, selectors
from governance.access import Purpose, get_patient_or_404
from governance.actions import Action
from governance.audit import Actor
from governance.decorators import staff_view
from governance.forms import AccessReviewForm, RelationshipClaimForm
from governance.models import Relationship
from governance.permissions import Perm


@staff_view(Perm.BREAK_GLASS)
@require_http_methods(["GET", "POST"])
def relationship_claim(request: HttpRequest) -> HttpResponse:
    """Claim, for a day, a care relationship with a patient in front of you."""
    form = RelationshipClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claimed = relationships.claim_relationship(
                by=Actor.from_request(request), **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.warning(
                request,
                f"You can see this patient's record until {claimed.expires_at:%H:%M} tomorrow. "
                "The patient's practice will review it.",
            )
            return redirect("patients:detail", patient_id=claimed.patient.public_id)
    context = {"form": form, "hours": relationships.CLAIM_HOURS}
    return render(request, "governance/relationship_claim.html", context)


@staff_view(Perm.REVIEW_ACCESS)
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """Waiting reviews first. Names the organisation and person, not the patient."""
    found = selectors.relationships_for_review(request.acting.organisation)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/relationship_review_list.html", {"page": page})


@staff_view(Perm.REVIEW_ACCESS)
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, relationship_id: UUID) -> HttpResponse:
    relationship = selectors.get_relationship_for_review_or_404(
        request.acting.organisation, relationship_id
    )
    # Seeing who the patient is, is itself an access to their data: decided and audited.
    patient = get_patient_or_404(
        Actor.from_request(request),
        relationship.patient.public_id,
        Purpose.VIEW_RECORD,
        action=Action.RELATIONSHIP_REVIEW_VIEW,
    )
    form = AccessReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            relationships.review_relationship(
                by=Actor.from_request(request), relationship=relationship, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Review recorded.")
            return redirect("governance:relationship_reviews")
    context = {
        "relationship": relationship,
        "patient": patient,
        "activity": selectors.relationship_activity(relationship),
        "form": form,
        "show_form": relationship.review == Relationship.Review.PENDING,
    }
    return render(request, "governance/relationship_review.html", context)
