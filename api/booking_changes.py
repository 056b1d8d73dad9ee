"""Changes to one booking through the API: cancel, move, amend, record attendance. Each is
made only if the booking is still at the version the caller last read."""

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import (
    ApiView,
    if_match_version,
)
from api.bookings import IF_MATCH, booking_or_404, booking_response, slot_or_404
from api.errors import error_responses
from api.fields import Count, Text
from api.serializers import BookingSerializer
from booking.models import Booking
from booking.services.bookings import rebook
from booking.services.managing import amend_booking, cancel_booking, record_attendance
from gpconnect.resources.appointment import COMMENT_MAX, DESCRIPTION_MAX


def version_field() -> Count:
    return Count(
        min_value=1,
        help_text="The booking's version you last saw; an If-Match header, if sent too, must agree",
    )


class BookingChangeApi(ApiView):
    """A change to one booking, made only if it is still at the version the caller last
    read (`version` in the body; an If-Match header, if sent, must agree). Each subclass
    names the change, and documents its `post` (which only hands over to this one)."""

    not_found = "booking-not-found"
    answers_created = False  # rebook answers 201, with the new booking

    def post(self, request: Request, booking_id) -> Response:
        booking = booking_or_404(self.actor, booking_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        version = if_match_version(request, data["version"])
        changed = self.change(booking, data, version)
        return booking_response(changed, created=self.answers_created)

    def change(self, booking: Booking, data: dict, version: int) -> Booking:
        raise NotImplementedError


class BookingCancelApi(BookingChangeApi):
    """Cancel a booking, with a reason, if it has not changed since the caller read it."""

    @extend_schema_serializer(component_name="BookingCancelRequest")
    class InputSerializer(serializers.Serializer):
        reason = Text(max_length=200, help_text="The practice sees this")
        version = version_field()

    @extend_schema(
        operation_id="bookings_cancel",
        summary="Cancel a booking",
        description="Frees the slot if it is still to come. Send the version you last saw.",
        parameters=[IF_MATCH],
        request=InputSerializer,
        responses={
            200: BookingSerializer,
            **error_responses("booking-not-found", "booking-changed", "invalid-change"),
        },
        tags=["bookings"],
    )
    def post(self, request: Request, booking_id) -> Response:
        return super().post(request, booking_id)

    def change(self, booking: Booking, data: dict, version: int) -> Booking:
        return cancel_booking(
            by=self.actor, booking=booking, reason=data["reason"], expected_version=version
        )


class BookingRebookApi(BookingChangeApi):
    """Move a booking to another slot in one step."""

    answers_created = True

    @extend_schema_serializer(component_name="BookingRebookRequest")
    class InputSerializer(serializers.Serializer):
        slot_id = serializers.UUIDField(help_text="The new slot")
        reason = Text(max_length=200, required=False, default="Rebooked")
        version = version_field()

    @extend_schema(
        operation_id="bookings_rebook",
        summary="Move a booking to another slot",
        description=(
            "Cancels the booking and books the patient into the new slot as one step: both "
            "happen or neither does. Answers with the new booking."
        ),
        parameters=[IF_MATCH],
        request=InputSerializer,
        responses={
            201: BookingSerializer,
            **error_responses(
                "booking-not-found",
                "slot-not-found",
                "slot-taken",
                "slot-not-bookable",
                "booking-changed",
                "invalid-change",
            ),
        },
        tags=["bookings"],
    )
    def post(self, request: Request, booking_id) -> Response:
        return super().post(request, booking_id)

    def change(self, booking: Booking, data: dict, version: int) -> Booking:
        return rebook(
            by=self.actor,
            booking=booking,
            new_slot=slot_or_404(self.actor, data["slot_id"]),
            reason=data["reason"],
            expected_version=version,
        )


class BookingStatusApi(BookingChangeApi):
    """Record what happened: arrived, attended, did not attend, or back to booked."""

    @extend_schema_serializer(component_name="BookingStatusRequest")
    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=[
                (Booking.Status.ARRIVED.value, "Arrived"),
                (Booking.Status.ATTENDED.value, "Attended"),
                (Booking.Status.DID_NOT_ATTEND.value, "Did not attend"),
                (Booking.Status.BOOKED.value, "Booked (undo a mistake)"),
            ]
        )
        version = version_field()

    @extend_schema(
        operation_id="bookings_status",
        summary="Record arrived, attended or did not attend",
        parameters=[IF_MATCH],
        request=InputSerializer,
        responses={
            200: BookingSerializer,
            **error_responses("booking-not-found", "booking-changed", "invalid-change"),
        },
        tags=["bookings"],
    )
    def post(self, request: Request, booking_id) -> Response:
        return super().post(request, booking_id)

    def change(self, booking: Booking, data: dict, version: int) -> Booking:
        return record_attendance(
            by=self.actor, booking=booking, status=data["status"], expected_version=version
        )


class BookingAmendApi(BookingChangeApi):
    """Change what the appointment is for, or the comment for the practice, if the booking
    has not changed since the caller read it."""

    @extend_schema_serializer(component_name="BookingAmendRequest")
    class InputSerializer(serializers.Serializer):
        description = Text(
            max_length=DESCRIPTION_MAX,
            required=False,
            help_text="What the appointment is for; the practice sees it. Unchanged if left out",
        )
        comment = Text(
            max_length=COMMENT_MAX,
            required=False,
            allow_blank=True,
            help_text="For the practice; empty to remove it. Unchanged if left out",
        )
        version = version_field()

        def validate(self, data: dict) -> dict:
            if "description" not in data and "comment" not in data:
                raise serializers.ValidationError(
                    {"non_field_errors": ["Give a new description, a new comment or both."]}
                )
            return data

    @extend_schema(
        operation_id="bookings_amend",
        summary="Change a booking's description or comment",
        description=(
            "Changes the details the practice sees; the time and place stay the same (to "
            "change those, rebook). Only an appointment still to come can be changed. The "
            "change is written to the practice's clinical system like the booking was. Send "
            "the version you last saw: a booking changed since is 409 `booking-changed`."
        ),
        parameters=[IF_MATCH],
        request=InputSerializer,
        responses={
            200: BookingSerializer,
            **error_responses("booking-not-found", "booking-changed", "invalid-change"),
        },
        examples=[
            OpenApiExample(
                "Amend",
                value={"comment": "Needs an interpreter (Polish)", "version": 3},
                request_only=True,
            )
        ],
        tags=["bookings"],
    )
    def post(self, request: Request, booking_id) -> Response:
        return super().post(request, booking_id)

    def change(self, booking: Booking, data: dict, version: int) -> Booking:
        return amend_booking(
            by=self.actor,
            booking=booking,
            description=data.get("description", booking.description),
            comment=data.get("comment", booking.comment),
            expected_version=version,
        )
