"""The hub's GP Connect endpoint: `/gpconnect/<hub ODS code>/STU3/1/<interaction path>`.

The provider core answers (the same as the sandbox's), over the hub's diary; here the
request is read from Django, the caller checked and held to their budget, and every call
audited in the consumer organisation's chain with the practitioner the JWT names. A call
refused before we know the consumer is audited in the chain without an organisation.
"""

import logging

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from governance.actions import Action
from governance.audit import Actor, record_event
from governance.models import AuditEvent
from gpconnect.errors import GPConnectError, SpineError
from gpconnect.provider.capability import Software
from gpconnect.provider.core import (
    Provider,
    ProviderRequest,
    ProviderResponse,
    error_response,
    internal_error_response,
)
from gpconnect.rest import FHIR_JSON_UTF8
from gpconnect_facade.backend import HubBackend
from gpconnect_facade.security import spend
from practices.models import Organisation

logger = logging.getLogger(__name__)

SOFTWARE = Software(name="Hub Diary", version="1", release_date="2026-12-04", publisher="Hub Diary")


@csrf_exempt  # no cookies: each request carries its own signed JWT
def endpoint(request: HttpRequest, hub_ods: str, rest: str) -> HttpResponse:
    now = timezone.now()
    client_address = request.META.get("REMOTE_ADDR") or None
    hub = Organisation.objects.filter(ods_code=hub_ods.upper(), kind=Organisation.Kind.HUB).first()
    if hub is None:
        return _written(
            error_response(
                GPConnectError(
                    SpineError.ORGANISATION_NOT_FOUND, f"No hub has the ODS code {hub_ods}."
                )
            )
        )
    backend = HubBackend(hub, client_address=client_address)
    provider = Provider(
        backend,
        software=SOFTWARE,
        description=f"The pooled extended-access diary of {hub.name}, over GP Connect 1.2.7.",
    )
    asked = ProviderRequest(
        method=request.method or "GET",
        path="/" + rest,
        query=dict(request.GET.lists()),
        headers={name.lower(): value for name, value in request.headers.items()},
        body=request.body,
        service_root=request.build_absolute_uri(f"/gpconnect/{hub.ods_code}/STU3/1"),
    )
    try:
        interaction, params = provider.resolve(asked)
        provider.check_headers(asked, interaction)
        requester = backend.authenticate(asked, interaction, now=now)
    except GPConnectError as error:
        _audit_refused(request, asked, error, client_address)
        return _written(error_response(error))
    caller = backend.caller
    wait = spend(caller.consumer, now=now)
    if wait:
        answer = ProviderResponse(
            429,
            _throttled(f"{caller.consumer.name} has used its requests for this minute."),
            [("Retry-After", str(wait))],
        )
    else:
        try:
            answer = provider.carry_out(asked, interaction, params, now=now, requester=requester)
        except GPConnectError as error:
            answer = error_response(error)
        except Exception:
            logger.exception("The GP Connect endpoint failed on %s %s", asked.method, asked.path)
            answer = internal_error_response(
                f"The hub could not carry out the request (trace {requester.trace_id})."
            )
    record_event(
        actor=caller.actor,
        action=Action.GPCONNECT_CALL,
        outcome=AuditEvent.Outcome.ALLOWED if answer.status < 400 else AuditEvent.Outcome.DENIED,
        obj=caller.consumer,
        reason=f"{interaction.name.lower()} {answer.status}",
    )
    return _written(answer)


@csrf_exempt
def no_endpoint(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything under /gpconnect/ that is not a hub's service root and an interaction."""
    return _written(
        error_response(
            GPConnectError(
                SpineError.NO_RECORD_FOUND,
                "Nothing is here: GP Connect is served at "
                "/gpconnect/<hub ODS code>/STU3/1/<interaction>.",
            )
        )
    )


def _audit_refused(
    request: HttpRequest, asked: ProviderRequest, error: GPConnectError, client_address
) -> None:
    record_event(
        actor=Actor(
            user=None,
            request_id=asked.header("ssp-traceid")[:64],
            client_address=client_address,
            name=f"GP Connect caller (Ssp-From {asked.header('ssp-from')[:20] or 'missing'})",
        ),
        action=Action.GPCONNECT_REFUSED,
        outcome=AuditEvent.Outcome.DENIED,
        reason=f"{request.method} {asked.path[:80]}: {error.error.code}",
    )


def _throttled(diagnostics: str) -> dict:
    """An OperationOutcome for 429: no Spine code covers it (the proxy's own errors carry
    none either)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "throttled", "diagnostics": diagnostics}],
    }


def _written(answer: ProviderResponse) -> HttpResponse:
    response = HttpResponse(
        answer.body,
        status=answer.status,
        content_type=FHIR_JSON_UTF8 if answer.resource is not None else None,
    )
    for name, value in answer.all_headers():
        if name != "Content-Type":
            response[name] = value
    if answer.resource is None:
        del response["Content-Type"]
    return response
