"""Sharing agreements: list both sides', propose one, accept or decline the other side's
proposal, end one."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontend.forms import apply_service_errors
from governance import selectors, services
from governance.audit import Actor
from governance.forms import AgreementProposalForm
from governance.permissions import Perm
from practices.decorators import staff_view


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    organisation = request.acting.organisation
    return render(
        request,
        "governance/agreement_list.html",
        {"agreements": selectors.agreements_of(organisation), "organisation": organisation},
    )


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_http_methods(["GET", "POST"])
def agreement_propose(request: HttpRequest) -> HttpResponse:
    organisation = request.acting.organisation
    form = AgreementProposalForm(request.POST or None, acting=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = services.propose_agreement(
                by=Actor.from_request(request),
                practice=data["practice"],
                partner=data["partner"],
                scope=data["scope"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Agreement proposed. The other organisation has been told.")
            return redirect("governance:agreement_detail", agreement_id=agreement.public_id)
    return render(request, "governance/agreement_form.html", {"form": form})


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_GET
def agreement_detail(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    organisation = request.acting.organisation
    agreement = selectors.get_agreement_of_or_404(organisation, agreement_id)
    proposed_by_us = agreement.proposed_by_organisation_id == organisation.pk
    context = {
        "agreement": agreement,
        "other": agreement.partner
        if agreement.practice_id == organisation.pk
        else agreement.practice,
        "can_decide": agreement.status == agreement.Status.PROPOSED and not proposed_by_us,
        "can_withdraw": agreement.status == agreement.Status.PROPOSED and proposed_by_us,
        "can_end": agreement.status == agreement.Status.ACTIVE,
        "today": timezone.localdate(),
    }
    return render(request, "governance/agreement_detail.html", context)


def _decide(request: HttpRequest, agreement_id: UUID, service, done: str) -> HttpResponse:
    """Run one agreement action; a rule it breaks comes back as a message on the page."""
    agreement = selectors.get_agreement_of_or_404(request.acting.organisation, agreement_id)
    if agreement.status == agreement.Status.PROPOSED and service is services.end_agreement:
        done = "Proposal withdrawn."
    try:
        service(by=Actor.from_request(request), agreement=agreement)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("governance:agreement_detail", agreement_id=agreement.public_id)


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_POST
def agreement_accept(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    return _decide(request, agreement_id, services.accept_agreement, "Agreement accepted.")


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_POST
def agreement_decline(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    return _decide(request, agreement_id, services.decline_agreement, "Agreement declined.")


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_POST
def agreement_end(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    return _decide(
        request, agreement_id, services.end_agreement, "Agreement ended. Sharing has stopped."
    )
