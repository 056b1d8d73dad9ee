"""Write-back: the practice system problems worklist (write-backs a person must act on, and
bookings whose slot the practice system stopped offering) for the organisation that booked
and the practice that owns the slot, and what can be done about a problem: send it again, or
mark it entered by hand; and the practice manager's switch for the practice's link to its
clinical system. A booking's own write-back state is on the booking (`write_back`). The same
loaders, services and audit as the write-back pages."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView, PageQuery, keyset_page
from api.bookings import booking_response, slot_or_404
from api.errors import ApiError, error_responses
from api.fields import Count, Flag
from api.serializers import BookingSerializer, SlotSerializer
from booking.search import nearest_alternatives
from booking.services import bookings
from governance.access import Purpose, audit_listing, visible
from governance.actions import Action
from governance.permissions import Perm
from practices.models import ClinicalSystemLink
from writeback import problems, services
from writeback.models import WriteBackMessage


@extend_schema_serializer(component_name="WriteBackProblem")
class ProblemSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    state = serializers.ChoiceField(
        choices=WriteBackMessage.State.choices,
        help_text="`conflict`: the practice filled the slot (rebook the booking); `failed`: "
        "refused; `dead`: retries given up; `manual`: enter it by hand",
    )
    operation = serializers.ChoiceField(choices=WriteBackMessage.Operation.choices)
    attempts = serializers.IntegerField()
    last_error = serializers.CharField()
    created_at = serializers.DateTimeField()
    booking = BookingSerializer()


@extend_schema_serializer(component_name="WriteBackProblemPage")
class ProblemPage(serializers.Serializer):
    results = ProblemSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


def problem_or_404(actor, problem_id, action: Action) -> WriteBackMessage:
    try:
        return problems.get_problem_for_or_404(actor=actor, public_id=problem_id, action=action)
    except Http404:
        raise ApiError("problem-not-found") from None


class ProblemListApi(ApiView):
    """Open practice system problems with bookings you made or hold, newest first. Each page
    of patients shown is one audit event."""

    cursor_salt = "api.write-back.problems"

    @extend_schema(
        operation_id="write_back_problems_list",
        summary="List practice system problems",
        parameters=[PageQuery],
        responses={200: ProblemPage, **error_responses()},
        tags=["write-back"],
    )
    def get(self, request: Request) -> Response:
        given = PageQuery(data=request.query_params)
        given.is_valid(raise_exception=True)
        rows = visible(
            self.actor,
            Purpose.BOOK,
            problems.problems_for(self.actor.membership.organisation),
            via="booking__patient",
        )
        page, next_cursor = keyset_page(
            rows,
            key="created_at",
            data=given.validated_data,
            salt=self.cursor_salt,
            descending=True,
        )
        audit_listing(
            self.actor,
            Purpose.BOOK,
            action=Action.WRITE_BACK_LIST,
            patients=[message.booking.patient for message in page],
        )
        return Response(
            {"results": ProblemSerializer(page, many=True).data, "next_cursor": next_cursor}
        )


@extend_schema_serializer(component_name="WriteBackProblemDetail")
class ProblemDetailSerializer(ProblemSerializer):
    alternatives = SlotSerializer(
        many=True, help_text="For a conflict whose booking is live: free slots to rebook into"
    )


class ProblemDetailApi(ApiView):
    """One practice system problem, its booking and, for a conflict, the nearest free slots
    like the one the practice filled."""

    not_found = "problem-not-found"

    @extend_schema(
        operation_id="write_back_problems_retrieve",
        summary="Read a practice system problem",
        responses={200: ProblemDetailSerializer, **error_responses("problem-not-found")},
        tags=["write-back"],
    )
    def get(self, request: Request, problem_id) -> Response:
        message = problem_or_404(self.actor, problem_id, Action.WRITE_BACK_VIEW)
        message.alternatives = []
        if message.state == WriteBackMessage.State.CONFLICT and message.booking.is_live:
            message.alternatives = nearest_alternatives(actor=self.actor, slot=message.booking.slot)
        return Response(ProblemDetailSerializer(message).data)


class ProblemRebookApi(ApiView):
    """Move the patient out of the slot the practice system filled (a `conflict`) into
    another, in one step: both halves or neither. Answers with the new booking."""

    not_found = "problem-not-found"

    @extend_schema_serializer(component_name="ProblemRebookRequest")
    class InputSerializer(serializers.Serializer):
        slot_id = serializers.UUIDField(help_text="The new slot: one of the alternatives")
        version = Count(min_value=1, help_text="The booking's version you last saw")

    @extend_schema(
        operation_id="write_back_problems_rebook",
        summary="Rebook a booking the practice system refused",
        request=InputSerializer,
        responses={
            201: BookingSerializer,
            **error_responses(
                "problem-not-found",
                "slot-not-found",
                "slot-taken",
                "slot-not-bookable",
                "booking-changed",
                "invalid-change",
            ),
        },
        tags=["write-back"],
    )
    def post(self, request: Request, problem_id) -> Response:
        message = problem_or_404(self.actor, problem_id, Action.WRITE_BACK_REBOOK)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        moved = bookings.rebook(
            by=self.actor,
            booking=message.booking,
            new_slot=slot_or_404(self.actor, data["slot_id"]),
            reason=problems.CONFLICT_REASON,
            expected_version=data["version"],
        )
        return booking_response(moved, created=True)


class ProblemRetryApi(ApiView):
    """Send a refused or abandoned change to the practice system again, once its cause is
    fixed."""

    not_found = "problem-not-found"

    @extend_schema(
        operation_id="write_back_problems_retry",
        summary="Send a change to the practice system again",
        description="Only a write-back that gave up or was refused can be sent again (422).",
        request=None,
        responses={
            200: ProblemSerializer,
            **error_responses("problem-not-found", "invalid-change"),
        },
        tags=["write-back"],
    )
    def post(self, request: Request, problem_id) -> Response:
        message = problem_or_404(self.actor, problem_id, Action.WRITE_BACK_RETRY)
        message = services.retry_write_back(by=self.actor, message=message)
        return Response(ProblemSerializer(message).data)


class ProblemDoneApi(ApiView):
    """Someone entered the change in the practice system by hand: it leaves the worklist."""

    not_found = "problem-not-found"

    @extend_schema(
        operation_id="write_back_problems_done",
        summary="Mark a change entered by hand",
        description="Only a change waiting to be entered by hand can be marked (422).",
        request=None,
        responses={
            200: ProblemSerializer,
            **error_responses("problem-not-found", "invalid-change"),
        },
        tags=["write-back"],
    )
    def post(self, request: Request, problem_id) -> Response:
        message = problem_or_404(self.actor, problem_id, Action.WRITE_BACK_ENTERED)
        message = services.mark_entered_by_hand(by=self.actor, message=message)
        return Response(ProblemSerializer(message).data)


@extend_schema_serializer(component_name="VanishedBookingPage")
class VanishedPage(serializers.Serializer):
    results = BookingSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class VanishedBookingListApi(ApiView):
    """Live bookings still to come whose slot the practice system no longer offers (found
    by slot import), soonest first: each needs a person to rebook or confirm it. Each page
    of patients shown is one audit event."""

    cursor_salt = "api.write-back.vanished"

    @extend_schema(
        operation_id="write_back_vanished_list",
        summary="List bookings whose slot the practice system dropped",
        parameters=[PageQuery],
        responses={200: VanishedPage, **error_responses()},
        tags=["write-back"],
    )
    def get(self, request: Request) -> Response:
        given = PageQuery(data=request.query_params)
        given.is_valid(raise_exception=True)
        rows = visible(
            self.actor,
            Purpose.BOOK,
            problems.vanished_bookings_for(self.actor.membership.organisation),
        )
        page, next_cursor = keyset_page(
            rows, key="start", data=given.validated_data, salt=self.cursor_salt
        )
        audit_listing(
            self.actor,
            Purpose.BOOK,
            action=Action.WRITE_BACK_LIST,
            patients=[booking.patient for booking in page],
        )
        return Response(
            {"results": BookingSerializer(page, many=True).data, "next_cursor": next_cursor}
        )


@extend_schema_serializer(component_name="ClinicalSystemLink")
class LinkSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ClinicalSystemLink.Kind.choices)
    enabled = serializers.BooleanField(help_text="On: bookings are written to the system")
    switched_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    waiting = serializers.IntegerField(help_text="Changes on their way to the system")
    to_enter_by_hand = serializers.IntegerField(
        help_text="Changes the system cannot take, to enter by hand (see the problems)"
    )


class ClinicalSystemLinkApi(ApiView):
    """Your practice's link to its clinical system, for the practice manager, who turns it
    on or off. Turning it on sends what waited, and the bookings made meanwhile."""

    permission = Perm.MANAGE_STAFF
    not_found = "not-found"

    @extend_schema_serializer(component_name="ClinicalSystemLinkRequest")
    class InputSerializer(serializers.Serializer):
        enabled = Flag()

    def _practice_and_link(self):
        practice = self.actor.membership.organisation
        if not practice.is_practice:
            raise ApiError("forbidden", "Only a GP practice has a clinical system to link.")
        link = problems.link_of(practice)
        if link is None:
            raise ApiError("not-found", "Your practice has no link to a clinical system.")
        return practice, link

    def _answer(self, practice, link) -> Response:
        link.waiting = problems.waiting_for(practice).count()
        link.to_enter_by_hand = problems.hand_entries_for(practice).count()
        return Response(LinkSerializer(link).data)

    @extend_schema(
        operation_id="write_back_link_retrieve",
        summary="Your practice's clinical-system link",
        responses={200: LinkSerializer, **error_responses("not-found")},
        tags=["write-back"],
    )
    def get(self, request: Request) -> Response:
        return self._answer(*self._practice_and_link())

    @extend_schema(
        operation_id="write_back_link_switch",
        summary="Turn your practice's clinical-system link on or off",
        request=InputSerializer,
        responses={200: LinkSerializer, **error_responses("not-found")},
        tags=["write-back"],
    )
    def put(self, request: Request) -> Response:
        practice, _ = self._practice_and_link()
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        link = services.switch_clinical_system_link(
            by=self.actor, practice=practice, enabled=given.validated_data["enabled"]
        )
        return self._answer(practice, link)
