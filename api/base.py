"""What every API operation shares: who is acting for which organisation, the permission
their role must hold, a request budget for token clients, `Cache-Control: no-store`, and
opaque keyset cursors.
"""

import datetime
import time

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from api.errors import ApiError
from core.paging import PAGE_SIZE, InvalidCursor, decode_cursor
from core.time import EARLIEST_DATE, LATEST_DATE
from governance.audit import Actor
from governance.permissions import Perm
from practices.acting import live_memberships
from practices.models import Membership

ACTING_HEADER = "X-Acting-Organisation"

ACTING_ORGANISATION = OpenApiParameter(
    ACTING_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "The ODS code of the organisation you are acting for. Needed only if you work for "
        "more than one; it must be one of yours."
    ),
)


def caller_memberships(request: Request) -> list[Membership]:
    """The caller's live memberships. Token requests are authenticated after the middleware
    has run, so theirs are read here."""
    if isinstance(request.successful_authenticator, SessionAuthentication):
        return request._request.memberships
    return live_memberships(request.user)


def acting_membership(
    request: Request, *, required: bool = True, memberships: list[Membership] | None = None
) -> Membership | None:
    """The membership an API request acts through: the one named in X-Acting-Organisation
    (it must be the caller's own and live), else the one chosen in a browser session, else
    the caller's only one. A caller who works for several and named none is refused, or
    (not `required`) acts for none. `memberships`: the caller's, if already read."""
    memberships = caller_memberships(request) if memberships is None else memberships
    chosen = (
        request._request.acting
        if isinstance(request.successful_authenticator, SessionAuthentication)
        else None
    )
    named = request.headers.get(ACTING_HEADER, "").strip().upper()
    if named:
        for membership in memberships:
            if membership.organisation.ods_code.upper() == named:
                return membership
        raise ApiError("not-your-organisation", organisation=named[:10])
    if not memberships:
        raise ApiError("no-organisation")
    if chosen is not None:
        return chosen
    if len(memberships) == 1:
        return memberships[0]
    if not required:
        return None
    raise ApiError(
        "acting-organisation-required",
        organisations=[m.organisation.ods_code for m in memberships],
    )


class WorksForAnOrganisation(BasePermission):
    """Signed in (or holding a token) and a live member of staff somewhere: for the schema
    and the docs, which describe the API but show no data."""

    message = "You do not work for any organisation in Hub Diary."

    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if isinstance(request.successful_authenticator, SessionAuthentication):
            return bool(request._request.memberships)
        return bool(live_memberships(user))


class TokenClientThrottle(BaseThrottle):
    """Systems calling with a token get API_TOKEN_REQUESTS_PER_MINUTE requests a minute each
    (0: no limit), counted in the shared cache in fixed one-minute windows: one increment
    per request, whatever the rate. People in a browser are not throttled here."""

    def allow_request(self, request: Request, view) -> bool:
        limit = getattr(settings, "API_TOKEN_REQUESTS_PER_MINUTE", 0)
        if not limit or not isinstance(request.successful_authenticator, TokenAuthentication):
            return True
        now = time.time()
        key = f"api-throttle:{request.user.public_id}:{int(now // 60)}"
        try:
            used = cache.incr(key)
        except ValueError:  # the minute's first request (or the count was evicted)
            used = 1 if cache.add(key, 1, timeout=120) else cache.incr(key)
        self._wait = 60 - now % 60
        return used <= limit

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class ApiSchema(AutoSchema):
    """Every operation documents the acting-organisation header."""

    def get_override_parameters(self) -> list:
        return [*super().get_override_parameters(), ACTING_ORGANISATION]


class ApiView(APIView):
    """An API operation acting for an organisation whose role there holds `permission`.

    Sets `self.actor` (as governance.audit.Actor.from_request does for pages) before the
    handler runs. `not_found` names the error code for a 404 raised by a service."""

    permission: Perm = Perm.BOOK_FOR_PATIENTS
    not_found = "not-found"
    throttle_classes = [TokenClientThrottle]
    schema = ApiSchema()

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)  # authentication, IsAuthenticated, throttles
        membership = acting_membership(request)
        self.actor = Actor(
            user=request.user,
            membership=membership,
            request_id=getattr(request._request, "request_id", ""),
            client_address=request.META.get("REMOTE_ADDR") or None,
        )
        if self.permission not in self.actor.permissions:
            raise ApiError(
                "forbidden", f"Your role at {membership.organisation.name} does not allow this."
            )

    def finalize_response(self, request: Request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "no-store"  # patient data: never kept by a cache
        return response


# Input.


OUTSIDE_SUPPORTED_DATES = (
    f"Give a date and time between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
)


def _within_supported_dates(value: datetime.datetime) -> None:
    if not EARLIEST_DATE <= value.date() <= LATEST_DATE:
        raise serializers.ValidationError(OUTSIDE_SUPPORTED_DATES)


class MomentField(serializers.DateTimeField):
    """A date and time in a request, within the years Hub Diary works with: the days
    before and after one that a search or a list reaches for are then always dates."""

    default_error_messages = {"overflow": OUTSIDE_SUPPORTED_DATES}
    default_validators = [_within_supported_dates]


# Paging: keyset cursors (core.paging), opaque to clients.


def page_size_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=PAGE_SIZE, default=PAGE_SIZE, required=False
    )


def cursor_after(value: str, *, salt: str) -> tuple[datetime.datetime, int]:
    """The (start, id) a `cursor` parameter says the page starts after; a cursor we did not
    give out is a 400 on the `cursor` field."""
    try:
        return decode_cursor(value, salt=salt)
    except InvalidCursor:
        raise serializers.ValidationError(
            {"cursor": ["This cursor is not one we gave you. Start again from the first page."]}
        ) from None


def if_match_version(request: Request, body_version: int | None) -> int:
    """The version the client last saw: an If-Match header (the ETag we sent) or `version`
    in the body. One of them is required, and they must agree."""
    header = request.headers.get("If-Match", "").strip()
    header_version = None
    if header:
        try:
            header_version = int(header.removeprefix("W/").strip('"'))
        except ValueError:
            raise serializers.ValidationError(
                {"If-Match": ['Send the booking\'s ETag, like "3".']}
            ) from None
    if header_version is not None and body_version is not None and header_version != body_version:
        raise serializers.ValidationError({"version": ["This does not match If-Match."]})
    version = header_version if header_version is not None else body_version
    if version is None:
        raise serializers.ValidationError(
            {
                "version": [
                    "Give the version of the booking you are changing (or its ETag as If-Match)."
                ]
            }
        )
    return version


def etag(version: int) -> str:
    return f'"{version}"'
