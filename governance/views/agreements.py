"""Sharing agreements: list both sides', propose one or renew one, accept or decline the
other side's proposal, end one."""

import datetime
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontend.forms import apply_service_errors
from governance import selectors, sharing
from governance.audit import Actor
from governance.decorators import staff_view
from governance.forms import AgreementProposalForm
from governance.models import SharingAgreement
from governance.permissions import Perm
from governance.renewals import following_period


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    organisation = request.acting.organisation
    return render(
        request,
        "governance/agreement_list.html",
        {"agreements": selectors.agreements_of(organisation), "organisation": organisation},
    )


def _propose(request: HttpRequest, form: AgreementProposalForm, context: dict) -> HttpResponse:
    """Propose what the form says; its errors, and the service's, are shown on the form."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agreement = sharing.propose_agreement(
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
    return render(request, "governance/agreement_form.html", {"form": form, **context})


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_http_methods(["GET", "POST"])
def agreement_propose(request: HttpRequest) -> HttpResponse:
    form = AgreementProposalForm(request.POST or None, acting=request.acting.organisation)
    return _propose(request, form, {})


def _renewable(agreement: SharingAgreement, today: datetime.date) -> bool:
    """A live agreement whose renewal would start the day after it ends, with none yet."""
    return (
        agreement.status == SharingAgreement.Status.ACTIVE
        and agreement.ends_on >= today
        and following_period(agreement.starts_on, agreement.ends_on) is not None
    )


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_http_methods(["GET", "POST"])
def agreement_renew(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    """A proposal for the period after a live agreement, filled in from it: sharing carries
    on without a gap once the other side accepts."""
    organisation = request.acting.organisation
    current = selectors.get_agreement_of_or_404(organisation, agreement_id)
    renewal = selectors.successor_of(current)
    if renewal is not None:
        messages.info(request, "This agreement has already been renewed.")
        return redirect("governance:agreement_detail", agreement_id=renewal.public_id)
    if not _renewable(current, timezone.localdate()):
        messages.error(request, "Only a live agreement can be renewed. Propose a new one instead.")
        return redirect("governance:agreement_detail", agreement_id=current.public_id)
    starts_on, ends_on = following_period(current.starts_on, current.ends_on)
    ours = current.practice_id == organisation.pk
    other = current.partner if ours else current.practice
    initial = {
        "direction": AgreementProposalForm.OURS if ours else AgreementProposalForm.THEIRS,
        "organisation": other.ods_code,
        "scope": current.scope,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    form = AgreementProposalForm(request.POST or None, acting=organisation, initial=initial)
    return _propose(request, form, {"renewing": current})


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_GET
def agreement_detail(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    organisation = request.acting.organisation
    agreement = selectors.get_agreement_of_or_404(organisation, agreement_id)
    proposed_by_us = agreement.proposed_by_organisation_id == organisation.pk
    today = timezone.localdate()
    renewal = selectors.successor_of(agreement)
    context = {
        "agreement": agreement,
        "other": agreement.partner
        if agreement.practice_id == organisation.pk
        else agreement.practice,
        "can_decide": agreement.status == agreement.Status.PROPOSED and not proposed_by_us,
        "can_withdraw": agreement.status == agreement.Status.PROPOSED and proposed_by_us,
        "can_end": agreement.status == agreement.Status.ACTIVE,
        "can_renew": renewal is None and _renewable(agreement, today),
        "renewal": renewal,
        "renews": selectors.predecessor_of(agreement),
        "today": today,
    }
    return render(request, "governance/agreement_detail.html", context)


def _decide(request: HttpRequest, agreement_id: UUID, service, done: str) -> HttpResponse:
    """Run one agreement action; a rule it breaks comes back as a message on the page."""
    agreement = selectors.get_agreement_of_or_404(request.acting.organisation, agreement_id)
    if agreement.status == agreement.Status.PROPOSED and service is sharing.end_agreement:
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
    return _decide(request, agreement_id, sharing.accept_agreement, "Agreement accepted.")


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_POST
def agreement_decline(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    return _decide(request, agreement_id, sharing.decline_agreement, "Agreement declined.")


@staff_view(Perm.MANAGE_AGREEMENTS)
@require_POST
def agreement_end(request: HttpRequest, agreement_id: UUID) -> HttpResponse:
    return _decide(
        request, agreement_id, sharing.end_agreement, "Agreement ended. Sharing has stopped."
    )
