"""A practice's sessions and slots: publish sessions with their release rules, list and read
them, change who may book them, cancel them, block and unblock slots. The same services and
loaders as the practice's session pages, for staff who run sessions."""

from django.core.validators import RegexValidator
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView, MomentField, PageQuery, keyset_page
from api.errors import ApiError, error_responses
from api.fields import Count, Text
from api.serializers import ClinicianSerializer, SiteSerializer
from booking import diaries
from booking.appointment_data import NationalCategory, ServiceSetting
from booking.models import Audience, DeliveryChannel, ReleaseRule, Session, Slot
from booking.release_rules.stored import describe_rules
from booking.selectors import sessions_of
from booking.services import sessions
from booking.services.sessions import MAX_WEEKS, RuleSpec
from core.time import london_day_start
from governance.access import Purpose, audit_listing
from governance.actions import Action
from governance.permissions import Perm
from practices import selectors as practice_selectors
from practices.models import Clinician, Organisation

ODS_CODE_PATTERN = r"^[A-Za-z0-9]{3,10}$"
BIG, SMALL = 2147483647, 32767  # PositiveIntegerField's and PositiveSmallIntegerField's most


class RuleSerializer(serializers.Serializer):
    """One release rule: who may book, from when, until when, and how many."""

    audience = serializers.ChoiceField(choices=Audience.choices)
    opens = serializers.ChoiceField(
        choices=ReleaseRule.Opens.choices,
        default=ReleaseRule.Opens.PUBLISHED,
        help_text="`before-start` needs opens_minutes_before; `on-day` needs opens_days_before",
    )
    opens_minutes_before = Count(min_value=0, max_value=BIG, allow_null=True, default=None)
    opens_days_before = Count(min_value=0, max_value=SMALL, allow_null=True, default=None)
    opens_time = serializers.TimeField(
        allow_null=True, default=None, help_text="Local time on the day; midnight if null"
    )
    cut_off_minutes = Count(
        min_value=0, max_value=BIG, default=0, help_text="Closes this long before the start"
    )
    ods_codes = serializers.ListField(
        child=Text(validators=[RegexValidator(ODS_CODE_PATTERN)]),
        default=list,
        help_text="Only these organisations (empty: any in the audience)",
    )
    organisation_types = serializers.ListField(
        child=serializers.ChoiceField(choices=Organisation.Kind.choices), default=list
    )
    quota_per_session = Count(min_value=0, max_value=SMALL, allow_null=True, default=None)
    quota_per_day = Count(min_value=0, max_value=SMALL, allow_null=True, default=None)


def rule_specs(rules: list[dict]) -> tuple[RuleSpec, ...]:
    return tuple(
        RuleSpec(
            **{
                **rule,
                "ods_codes": tuple(rule["ods_codes"]),
                "organisation_types": tuple(rule["organisation_types"]),
            }
        )
        for rule in rules
    )


class SlotStateSerializer(serializers.Serializer):
    """A slot as its own practice sees it."""

    id = serializers.UUIDField(source="slot.public_id")
    start = serializers.DateTimeField(source="slot.start")
    end = serializers.DateTimeField(source="slot.end")
    state = serializers.ChoiceField(
        choices=[*Slot.Status.choices, (diaries.RESERVED, "Kept for NHS 111")]
    )
    blocked_reason = serializers.CharField(source="slot.blocked_reason")
    booking_id = serializers.UUIDField(
        source="booking.public_id", allow_null=True, help_text="The live booking, if any"
    )


class SessionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.ChoiceField(choices=Session.Status.choices)
    site = SiteSerializer()
    clinician = ClinicianSerializer(allow_null=True)
    practitioner_role = serializers.ChoiceField(choices=Clinician.JobRole.choices)
    session_type = serializers.CharField()
    slot_type = serializers.CharField()
    delivery_channel = serializers.ChoiceField(choices=DeliveryChannel.choices)
    national_category = serializers.ChoiceField(
        choices=NationalCategory.choices,
        help_text="The national appointment category; `Unmapped` until the practice sets it",
    )
    service_setting = serializers.ChoiceField(
        choices=ServiceSetting.choices,
        help_text="`Extended Access Provision` for the hub's sessions, `General Practice` for "
        "the practice's own",
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    slot_minutes = serializers.IntegerField()
    series = serializers.UUIDField(allow_null=True, help_text="Shared by weekly sessions")
    cancellation_reason = serializers.CharField()
    rules = RuleSerializer(many=True, source="rules.all")
    released_to = serializers.ListField(
        child=serializers.CharField(), source="released_to_words", help_text="The rules in words"
    )


@extend_schema_serializer(component_name="SessionDetail")
class SessionDetailSerializer(SessionSerializer):
    slots = SlotStateSerializer(many=True, source="slot_rows")


def session_json(session: Session, rows: list | None = None) -> dict:
    """A session as the API shows it; with `rows`, its slots too."""
    session.released_to_words = describe_rules(session.rules.all())
    if rows is None:
        return SessionSerializer(session).data
    session.slot_rows = rows
    return SessionDetailSerializer(session).data


def session_or_404(actor, session_id) -> Session:
    try:
        return diaries.get_practice_session_or_404(actor=actor, public_id=session_id)
    except Http404:
        raise ApiError("session-not-found") from None


def slot_or_404(actor, slot_id) -> Slot:
    try:
        return diaries.get_practice_slot_or_404(
            practice=actor.membership.organisation, public_id=slot_id
        )
    except Http404:
        raise ApiError("slot-not-found", "No slot found in your practice's sessions.") from None


def shown_session(actor, session: Session, action: Action) -> dict:
    """A session with its slots and the bookings in them, audited as the session page is."""
    rows = diaries.session_rows(session)
    audit_listing(actor, Purpose.BOOK, action=action, patients=diaries.patients_shown(rows))
    return session_json(session, rows)


class SessionsApi(ApiView):
    permission = Perm.MANAGE_SESSIONS


@extend_schema_serializer(component_name="SessionPage")
class SessionPage(serializers.Serializer):
    results = SessionSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class SessionPublishInput(serializers.Serializer):
    site_id = serializers.UUIDField(help_text="One of your practice's open sites")
    clinician_id = serializers.UUIDField(
        required=False, allow_null=True, help_text="One of your practice's clinicians"
    )
    practitioner_role = serializers.ChoiceField(
        choices=Clinician.JobRole.choices,
        required=False,
        help_text="Needed when no clinician is named; else the clinician's role",
    )
    session_type = Text(max_length=60, default="GP extended access")
    slot_type = Text(max_length=60, default="Routine appointment")
    delivery_channel = serializers.ChoiceField(
        choices=DeliveryChannel.choices, default=DeliveryChannel.IN_PERSON
    )
    national_category = serializers.ChoiceField(
        choices=NationalCategory.choices,
        default=NationalCategory.UNMAPPED,
        help_text="The national appointment category; left out, `Unmapped` (for the practice "
        "to set)",
    )
    service_setting = serializers.ChoiceField(
        choices=ServiceSetting.choices,
        required=False,
        help_text="Left out, `Extended Access Provision` if the rules release beyond the "
        "practice, else `General Practice`; `Unmapped` leaves it for the practice to set",
    )
    first_date = serializers.DateField(help_text="For a weekly session, the first one's date")
    start_time = serializers.TimeField(help_text="Local time, like 18:30")
    end_time = serializers.TimeField(help_text="Local time, later than start_time")
    slot_minutes = Count(min_value=5, max_value=240, default=15)
    weeks = Count(min_value=1, max_value=MAX_WEEKS, default=1)
    rules = RuleSerializer(
        many=True,
        required=False,
        help_text="Who may book; left out, the hub as soon as published (as on the page)",
    )


class SessionListApi(SessionsApi):
    """Your practice's sessions from a moment on, cancelled ones too; publishing needs the
    same right."""

    cursor_salt = "api.sessions"

    class InputSerializer(PageQuery):
        start = MomentField(required=False, help_text="Starting from (default: today, 00:00)")

    @extend_schema(
        operation_id="sessions_list",
        summary="List your practice's sessions",
        parameters=[InputSerializer],
        responses={200: SessionPage, **error_responses()},
        tags=["sessions"],
    )
    def get(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        start = data.get("start") or london_day_start(timezone.localdate())
        rows = sessions_of(actor=self.actor, start=start).prefetch_related("rules")
        page, next_cursor = keyset_page(rows, key="starts_at", data=data, salt=self.cursor_salt)
        return Response({"results": [session_json(s) for s in page], "next_cursor": next_cursor})

    @extend_schema(
        operation_id="sessions_publish",
        summary="Publish a session, once or weekly",
        description=(
            "Cuts the session into slots released by its rules. Answers with the sessions "
            "published (one a week). A practice whose clinical-system link is on publishes "
            "there instead (400)."
        ),
        request=SessionPublishInput,
        responses={201: SessionSerializer(many=True), **error_responses("not-found")},
        tags=["sessions"],
    )
    def post(self, request: Request) -> Response:
        given = SessionPublishInput(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        practice = self.actor.membership.organisation
        try:
            site = practice_selectors.get_site_of_or_404(practice, data.pop("site_id"))
        except Http404:
            raise ApiError("site-not-found") from None
        if not site.is_active:
            raise serializers.ValidationError({"site_id": ["This site is closed."]})
        clinician = None
        if clinician_id := data.pop("clinician_id", None):
            try:
                clinician = practice_selectors.get_clinician_of_or_404(practice, clinician_id)
            except Http404:
                raise ApiError("clinician-not-found") from None
            if not clinician.is_active:
                raise serializers.ValidationError(
                    {"clinician_id": ["This clinician no longer works here."]}
                )
        if not data.get("practitioner_role"):
            if clinician is None:
                raise serializers.ValidationError(
                    {"practitioner_role": ["Give a practitioner role, or name a clinician."]}
                )
            data["practitioner_role"] = clinician.job_role
        rules = data.pop("rules", None)
        published = sessions.publish_sessions(
            by=self.actor,
            site=site,
            clinician=clinician,
            rules=rule_specs(rules) if rules is not None else (RuleSpec(audience=Audience.HUB),),
            **data,
        )
        return Response(
            [session_json(session) for session in published], status=status.HTTP_201_CREATED
        )


class SessionDetailApi(SessionsApi):
    """One of your practice's sessions with its slots; the bookings in them are audited as
    the session page's are."""

    not_found = "session-not-found"

    @extend_schema(
        operation_id="sessions_retrieve",
        summary="Read a session and its slots",
        responses={200: SessionDetailSerializer, **error_responses("session-not-found")},
        tags=["sessions"],
    )
    def get(self, request: Request, session_id) -> Response:
        session = session_or_404(self.actor, session_id)
        return Response(shown_session(self.actor, session, Action.BOOKING_SESSION))


class SessionRulesApi(SessionsApi):
    """Replace who may book a session's slots. Bookings made stand; free slots follow the
    new rules at once."""

    not_found = "session-not-found"

    @extend_schema_serializer(component_name="SessionRulesRequest")
    class InputSerializer(serializers.Serializer):
        rules = RuleSerializer(many=True, help_text="Every rule; an empty list releases to none")

    @extend_schema(
        operation_id="sessions_rules",
        summary="Change who may book a session",
        description="A cancelled or ended session's rules cannot change (400).",
        request=InputSerializer,
        responses={200: SessionSerializer, **error_responses("session-not-found")},
        tags=["sessions"],
    )
    def put(self, request: Request, session_id) -> Response:
        session = session_or_404(self.actor, session_id)
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        session = sessions.set_release_rules(
            by=self.actor, session=session, rules=rule_specs(given.validated_data["rules"])
        )
        return Response(session_json(session))


class ReasonInput(serializers.Serializer):
    reason = Text(max_length=200)


class SessionCancelApi(SessionsApi):
    """Cancel a session: its free and blocked slots are withdrawn; the patients booked into
    it stay booked, listed to be rebooked or cancelled and told."""

    not_found = "session-not-found"

    @extend_schema_serializer(component_name="SessionCancelled")
    class OutputSerializer(serializers.Serializer):
        session = SessionSerializer()
        bookings_to_rebook = serializers.ListField(
            child=serializers.UUIDField(), help_text="Rebook or cancel each, and tell the patient"
        )

    @extend_schema(
        operation_id="sessions_cancel",
        summary="Cancel a session",
        request=ReasonInput,
        responses={200: OutputSerializer, **error_responses("session-not-found")},
        tags=["sessions"],
    )
    def post(self, request: Request, session_id) -> Response:
        session = session_or_404(self.actor, session_id)
        given = ReasonInput(data=request.data)
        given.is_valid(raise_exception=True)
        to_rebook = sessions.cancel_session(
            by=self.actor, session=session, reason=given.validated_data["reason"]
        )
        session.refresh_from_db()
        return Response(
            {
                "session": session_json(session),
                "bookings_to_rebook": [str(b.public_id) for b in to_rebook],
            }
        )


@extend_schema_serializer(component_name="PracticeSlot")
class PracticeSlotSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Slot.Status.choices)
    blocked_reason = serializers.CharField()


class SlotBlockApi(SessionsApi):
    """Block a free slot of your practice's, saying why: nobody can book it until unblocked."""

    not_found = "slot-not-found"

    @extend_schema(
        operation_id="slots_block",
        summary="Block a slot",
        description="Only a free slot can be blocked (400).",
        request=ReasonInput,
        responses={200: PracticeSlotSerializer, **error_responses("slot-not-found")},
        tags=["sessions"],
    )
    def post(self, request: Request, slot_id) -> Response:
        slot = slot_or_404(self.actor, slot_id)
        given = ReasonInput(data=request.data)
        given.is_valid(raise_exception=True)
        slot = sessions.block_slot(by=self.actor, slot=slot, reason=given.validated_data["reason"])
        return Response(PracticeSlotSerializer(slot).data)


class SlotUnblockApi(SessionsApi):
    """Unblock a blocked slot of your practice's: it can be booked again."""

    not_found = "slot-not-found"

    @extend_schema(
        operation_id="slots_unblock",
        summary="Unblock a slot",
        description="Only a blocked slot can be unblocked (400).",
        request=None,
        responses={200: PracticeSlotSerializer, **error_responses("slot-not-found")},
        tags=["sessions"],
    )
    def post(self, request: Request, slot_id) -> Response:
        slot = sessions.unblock_slot(by=self.actor, slot=slot_or_404(self.actor, slot_id))
        return Response(PracticeSlotSerializer(slot).data)
