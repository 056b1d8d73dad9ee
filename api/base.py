"""What every API operation shares: who is acting for which organisation, the permission
their role must hold, a request budget for token clients, `Cache-Control: no-store`, and
opaque keyset cursors.
"""

import datetime
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from api.errors import CATALOGUE, ApiError, error_body
from api.fields import NHS_NUMBER_PATTERN, NO_NUL, NOT_BLANK, NhsNumber
from core.metrics import ACCESS_REFUSALS
from core.paging import PAGE_SIZE, InvalidCursor, decode_cursor, encode_cursor
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
    """Every operation documents the acting-organisation header, and every text it reads
    says what the server takes: no NUL character, and, unless blank is allowed, something
    besides spaces (DRF strips them, then refuses the empty rest)."""

    def get_override_parameters(self) -> list:
        return [*super().get_override_parameters(), ACTING_ORGANISATION]

    def _insert_field_validators(self, field, schema) -> None:
        super()._insert_field_validators(field, schema)
        # drf-spectacular offers a blank-allowing patterned text as oneOf [pattern, blank];
        # "" matches both when the pattern allows it, which oneOf forbids.
        if "oneOf" in schema and schema["oneOf"][-1] == {"type": "string", "maxLength": 0}:
            schema["anyOf"] = schema.pop("oneOf")

    def get_operation(self, *args, **kwargs) -> dict | None:
        """Adds the refusals any operation may meet (throttling; an unsupported media type
        for a body), and says that an optional query parameter sent empty (`?cursor=`)
        counts as left out, as DRF reads query strings."""
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        anywhere = ["throttled"]
        if self.method in ("POST", "PUT", "PATCH"):
            anywhere.append("unsupported-media-type")
        for code in anywhere:
            entry = CATALOGUE[code]
            operation["responses"].setdefault(
                str(entry.status),
                {
                    "description": f"`{code}`",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"},
                            "examples": {
                                code: {"value": error_body(code, entry.message, entry.details)}
                            },
                        }
                    },
                },
            )
        for parameter in operation.get("parameters", []):
            schema = parameter.get("schema", {})
            optional = parameter["in"] == "query" and not parameter.get("required")
            if optional and schema.get("type") != "array":
                parameter["schema"] = {"anyOf": [{"type": "string", "maxLength": 0}, schema]}
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False) -> dict:
        meta = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, MomentField):
            meta["pattern"] = SUPPORTED_YEARS
        if direction != "request" or not isinstance(field, serializers.CharField):
            return meta
        if isinstance(field, NhsNumber):
            meta.update(format="nhs-number", pattern=NHS_NUMBER_PATTERN)
        elif "pattern" not in meta:
            meta["pattern"] = NO_NUL if field.allow_blank else NOT_BLANK
        if not field.allow_blank:
            meta.setdefault("minLength", 1)
        return meta


class ApiView(APIView):
    """An API operation acting for an organisation whose role there holds `permission`.

    Sets `self.actor` (as governance.audit.Actor.from_request does for pages) before the
    handler runs. `not_found` names the error code for a 404 raised by a service."""

    permission: Perm = Perm.BOOK_FOR_PATIENTS
    # What a change (POST, PUT, PATCH, DELETE) needs instead, where reading needs less.
    write_permission: Perm | None = None
    not_found = "not-found"
    throttle_classes = [TokenClientThrottle]
    parser_classes = [JSONParser]  # the fields are JSON's types (api/fields.py)
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
        needed = self.permission
        if self.write_permission is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            needed = self.write_permission
        if needed not in self.actor.permissions:
            ACCESS_REFUSALS.labels(kind="role").inc()
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


# The years a MomentField takes (the first and last day's edges depend on the offset given).
SUPPORTED_YEARS = rf"^({EARLIEST_DATE.year // 100}|{LATEST_DATE.year // 100})[0-9]{{2}}-"


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


def keyset_page(
    rows, *, key: str, data: dict, salt: str, descending: bool = False
) -> tuple[list, str | None]:
    """One page of `rows` in (`key`, pk) order (newest first if `descending`), after the
    `cursor` in `data` if any, and the cursor for the next page (None on the last)."""
    if "cursor" in data:
        after, pk = cursor_after(data["cursor"], salt=salt)
        beyond = "lt" if descending else "gt"
        rows = rows.filter(
            Q(**{f"{key}__{beyond}": after}) | Q(**{key: after, f"pk__{beyond}": pk})
        )
    order = (f"-{key}", "-pk") if descending else (key, "pk")
    size = data["page_size"]
    found = list(rows.order_by(*order)[: size + 1])
    page = found[:size]
    more = len(found) > size
    return page, encode_cursor(getattr(page[-1], key), page[-1].pk, salt=salt) if more else None


class PageQuery(serializers.Serializer):
    """The paging parameters every list takes."""

    page_size = page_size_field()
    cursor = serializers.CharField(
        required=False, max_length=500, help_text="`next_cursor` from the previous page"
    )


IF_MATCH_PATTERN = r'^(?:W/)?"?([0-9]{1,9})"?$'


def if_match_version(request: Request, body_version: int) -> int:
    """The version the client last saw, `version` in the body; an If-Match header (the ETag
    we sent), if given as well, must agree with it."""
    header = request.headers.get("If-Match", "").strip()
    if header:
        match = re.fullmatch(IF_MATCH_PATTERN, header)
        if match is None:
            raise serializers.ValidationError({"If-Match": ['Send the booking\'s ETag, like "3".']})
        if int(match[1]) != body_version:
            raise serializers.ValidationError({"version": ["This does not match If-Match."]})
    return body_version


def etag(version: int) -> str:
    return f'"{version}"'
