"""Bookings: list, book, read, cancel, move, amend and record attendance, one view per
operation. Each parses its input, calls the selector or
service the hub diary's pages call, and shapes the output; the rules, the access decision
and the audit trail live behind those calls."""

import datetime
import hashlib

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import (
    IF_MATCH_PATTERN,
    ApiView,
    MomentField,
    cursor_after,
    etag,
    page_size_field,
)
from api.errors import ApiError, error_responses
from api.fields import NhsNumber, Text
from api.serializers import BookingSerializer
from booking.diaries import get_booking_for_or_404
from booking.models import Booking, Slot
from booking.selectors import bookings_by, bookings_into, get_slot_for_booking_or_404
from booking.services.bookings import book_slot_for_nhs_number
from core.paging import encode_cursor
from core.time import london_day_start
from governance.access import Purpose, audit_listing
from governance.actions import Action
from governance.audit import Actor
from governance.permissions import Perm, org_permissions
from gpconnect.resources.appointment import COMMENT_MAX, DESCRIPTION_MAX

MAX_LIST_DAYS = 31

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "pattern": "^[ -~]{0,100}$"},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID is ideal), up to 100 characters. Retrying a request with "
        "the same key returns the booking it made instead of booking again."
    ),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": IF_MATCH_PATTERN},
    OpenApiParameter.HEADER,
    required=False,
    description='The booking\'s ETag (its version, like "3"); it must agree with `version`.',
)


def slot_or_404(actor: Actor, public_id) -> Slot:
    try:
        return get_slot_for_booking_or_404(actor=actor, public_id=public_id)
    except Http404:
        raise ApiError("slot-not-found") from None


def booking_or_404(actor: Actor, public_id) -> Booking:
    try:
        return get_booking_for_or_404(actor=actor, public_id=public_id)
    except Http404:
        raise ApiError("booking-not-found") from None


def booking_response(booking: Booking, *, created: bool = False) -> Response:
    headers = {"ETag": etag(booking.version)}
    if created:
        headers["Location"] = reverse("api:booking_detail", args=[booking.public_id])
    return Response(
        BookingSerializer(booking).data,
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        headers=headers,
    )


class BookingListApi(ApiView):
    """Bookings the acting organisation made, or (for a practice) bookings into its slots,
    in start order. Each page of patients shown is one audit event."""

    cursor_salt = "booking.api.bookings"

    class InputSerializer(serializers.Serializer):
        scope = serializers.ChoiceField(
            choices=[("made", "Made by this organisation"), ("into", "Into this practice")],
            default="made",
            required=False,
            help_text="`into`: every booking into the practice's slots (practice staff who "
            "run sessions)",
        )
        start = MomentField(
            required=False, help_text="Appointments from this moment (default: today, 00:00)"
        )
        end = MomentField(
            required=False,
            help_text=f"Until this moment, later than `start` (default: 14 days on; at most "
            f"{MAX_LIST_DAYS})",
        )
        status = serializers.ListField(
            child=serializers.ChoiceField(choices=Booking.Status.choices), required=False
        )
        page_size = page_size_field()
        cursor = serializers.CharField(required=False, max_length=500)

        def validate(self, data: dict) -> dict:
            start = data.get("start") or london_day_start(timezone.localdate())
            end = data.get("end") or start + datetime.timedelta(days=14)
            if end <= start:
                raise serializers.ValidationError({"end": ["Make the end later than the start."]})
            if end - start > datetime.timedelta(days=MAX_LIST_DAYS):
                raise serializers.ValidationError(
                    {"end": [f"List at most {MAX_LIST_DAYS} days at a time."]}
                )
            return {**data, "start": start, "end": end}

    @extend_schema_serializer(component_name="BookingListPage")
    class OutputSerializer(serializers.Serializer):
        results = BookingSerializer(many=True)
        next_cursor = serializers.CharField(allow_null=True)

    @extend_schema(
        operation_id="bookings_list",
        summary="List bookings",
        parameters=[InputSerializer],
        responses={200: OutputSerializer, **error_responses()},
        tags=["bookings"],
    )
    def get(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        organisation = self.actor.membership.organisation
        if data["scope"] == "into":
            # As the practice's own bookings list: for staff who run its sessions.
            if not organisation.is_practice or Perm.MANAGE_SESSIONS not in org_permissions(
                request.user, organisation
            ):
                raise ApiError("forbidden", "Only practice staff who run sessions see this list.")
            bookings = bookings_into(actor=self.actor, start=data["start"], end=data["end"])
        else:
            bookings = bookings_by(actor=self.actor, start=data["start"], end=data["end"])
        bookings = bookings.select_related("booking_organisation", "slot__practice")
        if statuses := data.get("status"):
            bookings = bookings.filter(status__in=statuses)
        if "cursor" in data:
            start, pk = cursor_after(data["cursor"], salt=self.cursor_salt)
            bookings = bookings.filter(Q(start__gt=start) | Q(start=start, pk__gt=pk))
        size = data["page_size"]
        found = list(bookings.order_by("start", "pk")[: size + 1])
        page = found[:size]
        audit_listing(
            self.actor,
            Purpose.BOOK,
            action=Action.BOOKING_LIST,
            patients=[booking.patient for booking in page],
        )
        next_cursor = (
            encode_cursor(page[-1].start, page[-1].pk, salt=self.cursor_salt)
            if len(found) > size
            else None
        )
        return Response(self.OutputSerializer({"results": page, "next_cursor": next_cursor}).data)


class BookingCreateApi(ApiView):
    """Book a patient, found by NHS number, into a slot."""

    not_found = "patient-not-found"

    @extend_schema_serializer(component_name="BookingCreateRequest")
    class InputSerializer(serializers.Serializer):
        slot_id = serializers.UUIDField()
        nhs_number = NhsNumber(help_text="Ten digits, spaces or dashes allowed; checksummed")
        description = Text(
            max_length=DESCRIPTION_MAX,
            help_text="What the appointment is for; the practice sees it",
        )
        comment = Text(max_length=COMMENT_MAX, required=False, default="", allow_blank=True)
        override_reason = Text(
            max_length=500,
            required=False,
            default="",
            allow_blank=True,
            help_text=(
                "Book past the slot's embargo, cut-off or quota, saying why: only for someone "
                "who also runs the sessions of the slot's practice. Audited."
            ),
        )

    @extend_schema(
        operation_id="bookings_create",
        summary="Book a slot",
        description=(
            "Books the patient into the slot for the acting organisation, under the slot's "
            "release rules and the patient-access decision. A patient you have no basis to "
            "book for is not found (404), exactly like one who does not exist. A slot someone "
            "else has just taken is 409 `slot-taken`, with the nearest alternatives."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=InputSerializer,
        responses={
            201: BookingSerializer,
            **error_responses(
                "slot-not-found",
                "patient-not-found",
                "slot-taken",
                "slot-not-bookable",
                "idempotency-key-reused",
            ),
        },
        examples=[
            OpenApiExample(
                "Book",
                value={
                    "slot_id": "6f1c2a8e-3b9d-4c47-9a55-0d1e2f3a4b5c",
                    "nhs_number": "943 476 5919",
                    "description": "Blood pressure review",
                    "comment": "Prefers a female clinician",
                },
                request_only=True,
            )
        ],
        tags=["bookings"],
    )
    def post(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        key = self._idempotency_key(request)
        slot = slot_or_404(self.actor, data["slot_id"])
        booking = book_slot_for_nhs_number(
            by=self.actor,
            slot=slot,
            nhs_number=data["nhs_number"],
            description=data["description"],
            comment=data["comment"],
            idempotency_key=key,
            override_reason=data["override_reason"],
        )
        return booking_response(booking, created=True)

    def _idempotency_key(self, request: Request) -> str | None:
        """Keys are the client's own: scoped to the acting organisation (hashed to fit), so
        two organisations can never replay each other's bookings."""
        raw = request.headers.get("Idempotency-Key", "").strip()
        if not raw:
            return None
        if len(raw) > 100 or not raw.isascii() or not raw.isprintable():
            raise serializers.ValidationError(
                {"Idempotency-Key": ["Use up to 100 printable ASCII characters, like a UUID."]}
            )
        organisation = self.actor.membership.organisation
        return hashlib.sha256(f"api:{organisation.public_id}:{raw}".encode()).hexdigest()


class BookingDetailApi(ApiView):
    """One booking the acting organisation made, or one into its slots."""

    not_found = "booking-not-found"

    @extend_schema(
        operation_id="bookings_retrieve",
        summary="Read a booking",
        responses={200: BookingSerializer, **error_responses("booking-not-found")},
        tags=["bookings"],
    )
    def get(self, request: Request, booking_id) -> Response:
        return booking_response(booking_or_404(self.actor, booking_id))
