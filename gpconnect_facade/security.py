"""Who is calling the hub's GP Connect endpoint, and whether they may now.

On Spine the Spine Security Proxy stands in front of a provider: it checks the caller's
TLS certificate and ASID, and the audit JWT travels unsigned. Nothing stands in front of
us, so each consumer is registered (`Consumer`) and the JWT must be signed with its key
(RS256 or RS512): a documented deviation from GP Connect's unsigned token. Then:

- Ssp-From is a registered, active consumer's ASID; Ssp-To is our ASID (403 otherwise);
- the JWT verifies with that consumer's key, carries every claim GP Connect requires with
  the scope of the interaction, is for this endpoint (`aud`), and its requesting
  organisation is the consumer's own (400, or 403 for another organisation);
- each consumer has a budget of requests a minute (429 with Retry-After past it).
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from governance.audit import Actor
from gpconnect.errors import GPConnectError, SpineError
from gpconnect.jwt import InvalidToken, validate_claims
from gpconnect.provider.core import ProviderRequest, Requester
from gpconnect.rest import Interaction
from gpconnect_facade.models import Consumer

ALGORITHMS = ("RS256", "RS512")
BUDGET_WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Caller:
    """A consumer whose request has passed every check, and who it acts as."""

    consumer: Consumer
    requester: Requester
    actor: Actor


def _bad_request(message: str) -> GPConnectError:
    return GPConnectError(SpineError.BAD_REQUEST, message)


def _denied(message: str) -> GPConnectError:
    return GPConnectError(SpineError.ACCESS_DENIED, message)


def consumer_named(request: ProviderRequest) -> Consumer | None:
    """The active consumer whose ASID the request's Ssp-From names, if any."""
    asid = request.header("ssp-from").strip()
    if not asid:
        return None
    return (
        Consumer.objects.select_related("organisation", "membership__user")
        .filter(asid=asid, is_active=True, membership__is_active=True)
        .first()
    )


def authenticate(
    request: ProviderRequest,
    interaction: Interaction,
    *,
    now: datetime,
    client_address: str | None,
) -> Caller:
    if not request.header("ssp-from").strip() or not request.header("ssp-to").strip():
        raise _bad_request("Send Ssp-From (your ASID) and Ssp-To (the hub endpoint's ASID).")
    provider_asid = settings.GPCONNECT_PROVIDER_ASID
    if not provider_asid or request.header("ssp-to").strip() != provider_asid:
        raise _denied("Ssp-To is not this endpoint's ASID.")
    consumer = consumer_named(request)
    if consumer is None:
        raise _denied("Ssp-From is not the ASID of a registered consumer system.")
    token = _bearer(request.header("authorization"))
    try:
        decoded = jwt.decode(
            token, RSAKey.import_key(consumer.public_key), algorithms=list(ALGORITHMS)
        )
    except (JoseError, ValueError) as exc:
        raise _bad_request(
            f"The audit JWT must be signed ({' or '.join(ALGORITHMS)}) with the key registered "
            f"for ASID {consumer.asid}."
        ) from exc
    try:
        claims = validate_claims(decoded.claims, now=now, scopes={interaction.scope})
    except InvalidToken as exc:
        raise _bad_request(str(exc)) from exc
    if not _same_endpoint(claims.audience, request.service_root):
        raise _bad_request(f"The JWT's aud must be this endpoint: {request.service_root}.")
    if claims.organisation_ods.upper() != consumer.organisation.ods_code.upper():
        raise _denied(
            f"The requesting organisation must be {consumer.organisation.ods_code}, the "
            "consumer system's own."
        )
    trace_id = request.header("ssp-traceid").strip()[:64]
    requester = Requester(
        organisation_ods=consumer.organisation.ods_code,
        organisation_name=consumer.organisation.name,
        practitioner_id=claims.practitioner_id,
        practitioner_name=claims.practitioner_name,
        trace_id=trace_id,
    )
    actor = Actor(
        user=consumer.membership.user,
        membership=consumer.membership,
        request_id=trace_id,
        client_address=client_address,
        name=f"{claims.practitioner_name} ({claims.practitioner_id}) through {consumer.name}",
    )
    return Caller(consumer=consumer, requester=requester, actor=actor)


def _bearer(authorization: str) -> str:
    kind, _, token = authorization.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        raise _bad_request("The Authorization header must be 'Bearer <signed JWT>'.")
    return token.strip()


def _same_endpoint(audience: str, service_root: str) -> bool:
    """`aud` names this service root: compared by host and path, since a proxy in front
    may end TLS (the scheme we see is not the one the consumer used)."""
    ours, theirs = urlsplit(service_root), urlsplit(audience)
    return (theirs.netloc.lower(), theirs.path.rstrip("/").lower()) == (
        ours.netloc.lower(),
        ours.path.rstrip("/").lower(),
    )


def spend(consumer: Consumer, *, now: datetime) -> int:
    """Count a request against the consumer's budget for this minute; 0 if within it, else
    the seconds until the next minute's budget."""
    window = int(now.timestamp()) // BUDGET_WINDOW_SECONDS
    key = f"gpconnect-budget:{consumer.pk}:{window}"
    if cache.add(key, 1, timeout=BUDGET_WINDOW_SECONDS * 2):
        used = 1
    else:
        try:
            used = cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, timeout=BUDGET_WINDOW_SECONDS * 2)
            used = 1
    if used <= consumer.requests_per_minute:
        return 0
    return BUDGET_WINDOW_SECONDS - int(now.timestamp()) % BUDGET_WINDOW_SECONDS
