"""Free-slot search: what the acting organisation may book, across the practices it pools
with, a page at a time."""

import datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView, MomentField, cursor_after, page_size_field
from api.errors import error_responses
from api.serializers import SlotSerializer, slot_json
from booking.models import DeliveryChannel
from booking.search import SlotFilters, free_slots_for
from booking.selectors import pooled_practices
from core.paging import encode_cursor
from core.replica import replica_reads
from practices.models import Clinician, Site

MAX_SEARCH_DAYS = 14
WEEKDAYS = {"weekdays": (1, 2, 3, 4, 5), "weekends": (6, 7)}


class SlotSearchApi(ApiView):
    """Free slots the acting organisation may book, across the practices it pools with."""

    cursor_salt = "booking.api.slots"

    class InputSerializer(serializers.Serializer):
        start = MomentField(required=False, help_text="From this moment (default: now)")
        end = MomentField(
            required=False,
            help_text=f"Until this moment, later than `start` (default and most: "
            f"{MAX_SEARCH_DAYS} days after start)",
        )
        from_time = serializers.TimeField(
            required=False, help_text="Starting at or after this local time, like 18:00"
        )
        to_time = serializers.TimeField(
            required=False, help_text="Starting before this local time, like 20:00"
        )
        days = serializers.ChoiceField(choices=sorted(WEEKDAYS), required=False)
        practice = serializers.ListField(
            child=serializers.CharField(max_length=10),
            required=False,
            help_text="ODS codes of practices (repeat the parameter for several)",
        )
        site = serializers.ListField(child=serializers.UUIDField(), required=False)
        practitioner_role = serializers.ListField(
            child=serializers.ChoiceField(choices=Clinician.JobRole.choices),
            required=False,
            help_text="SDS job-role codes",
        )
        delivery_channel = serializers.ListField(
            child=serializers.ChoiceField(choices=DeliveryChannel.choices), required=False
        )
        slot_type = serializers.ListField(
            child=serializers.CharField(max_length=60), required=False
        )
        page_size = page_size_field()
        cursor = serializers.CharField(
            required=False, help_text="`next_cursor` from the previous page"
        )

        def validate(self, data: dict) -> dict:
            start = data.get("start") or timezone.now()
            end = data.get("end") or start + datetime.timedelta(days=MAX_SEARCH_DAYS)
            if end <= start:
                raise serializers.ValidationError({"end": ["Make the end later than the start."]})
            if end - start > datetime.timedelta(days=MAX_SEARCH_DAYS):
                raise serializers.ValidationError(
                    {"end": [f"Search at most {MAX_SEARCH_DAYS} days at a time."]}
                )
            from_time, to_time = data.get("from_time"), data.get("to_time")
            if from_time and to_time and from_time >= to_time:
                raise serializers.ValidationError({"to_time": ["Make this later than from_time."]})
            return {**data, "start": start, "end": end}

    @extend_schema_serializer(component_name="SlotSearchPage")
    class OutputSerializer(serializers.Serializer):
        results = SlotSerializer(many=True)
        next_cursor = serializers.CharField(
            allow_null=True, help_text="Pass as `cursor` for the next page; null on the last"
        )

    @extend_schema(
        operation_id="slots_search",
        summary="Search free slots",
        parameters=[InputSerializer],
        responses={200: OutputSerializer, **error_responses()},
        tags=["slots"],
    )
    def get(self, request: Request) -> Response:
        given = self.InputSerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        after = cursor_after(data["cursor"], salt=self.cursor_salt) if "cursor" in data else None
        size = data["page_size"]
        filters = self._filters(data)
        with replica_reads(request.user.pk):
            found = free_slots_for(
                actor=self.actor,
                start=data["start"],
                end=data["end"],
                filters=filters,
                limit=size + 1,
                after=after,
            )
        page = found[:size]
        next_cursor = (
            encode_cursor(page[-1].start, page[-1].pk, salt=self.cursor_salt)
            if len(found) > size
            else None
        )
        # OutputSerializer documents this shape; slot_json writes it (see there).
        zone = timezone.get_current_timezone()
        return Response({"results": [slot_json(s, zone) for s in page], "next_cursor": next_cursor})

    def _filters(self, data: dict) -> SlotFilters:
        """The selector's filters, with ODS codes and site ids turned into keys; a practice
        the organisation does not book into, or a site that does not exist, is a 400."""
        organisation = self.actor.membership.organisation
        practices: tuple[int, ...] = ()
        if codes := {code.strip().upper() for code in data.get("practice", [])}:
            found = dict(
                pooled_practices(organisation)
                .filter(ods_code__in=codes)
                .values_list("ods_code", "pk")
            )
            if unknown := sorted(codes - set(found)):
                raise serializers.ValidationError(
                    {"practice": [f"You do not book into {', '.join(unknown)}."]}
                )
            practices = tuple(found.values())
        sites: tuple[int, ...] = ()
        if site_ids := set(data.get("site", [])):
            sites = tuple(Site.objects.filter(public_id__in=site_ids).values_list("pk", flat=True))
            if len(sites) != len(site_ids):
                raise serializers.ValidationError({"site": ["No such site."]})
        return SlotFilters(
            practices=practices,
            sites=sites,
            practitioner_roles=tuple(data.get("practitioner_role", [])),
            delivery_channels=tuple(data.get("delivery_channel", [])),
            slot_types=tuple(data.get("slot_type", [])),
            weekdays=WEEKDAYS.get(data.get("days", ""), ()),
            from_time=data.get("from_time"),
            to_time=data.get("to_time"),
        )
