"""How slots and bookings look to API clients: shared by several operations' outputs.

Public ids are UUIDs; times are ISO 8601 with their offset (UTC as "Z", Europe/London
otherwise), as DRF writes aware datetimes.
"""

from django.utils import timezone
from rest_framework import serializers

from booking.models import Booking, DeliveryChannel
from practices.models import Clinician


class OrganisationSerializer(serializers.Serializer):
    ods_code = serializers.CharField()
    name = serializers.CharField()


class SiteSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    postcode = serializers.CharField()


class ClinicianSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="__str__")
    gender = serializers.ChoiceField(choices=Clinician.Gender.choices)


class SlotSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    practice = OrganisationSerializer()
    site = SiteSerializer()
    clinician = ClinicianSerializer(allow_null=True, help_text="None when only a role is set")
    practitioner_role = serializers.ChoiceField(
        choices=Clinician.JobRole.choices, help_text="SDS job-role code"
    )
    delivery_channel = serializers.ChoiceField(choices=DeliveryChannel.choices)
    slot_type = serializers.CharField()


def _when(value, zone) -> str:
    """DateTimeField's output: ISO 8601 in the current time zone, UTC written as Z."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def slot_json(slot, zone=None) -> dict:
    """SlotSerializer's output, written out for search pages, where DRF's per-field
    machinery cost more than the query (tests hold the two equal). `zone`: the current
    time zone, looked up once for a page by the caller."""
    zone = zone or timezone.get_current_timezone()
    clinician = slot.clinician
    return {
        "id": str(slot.public_id),
        "start": _when(slot.start, zone),
        "end": _when(slot.end, zone),
        "practice": {"ods_code": slot.practice.ods_code, "name": slot.practice.name},
        "site": {
            "id": str(slot.site.public_id),
            "name": slot.site.name,
            "postcode": slot.site.postcode,
        },
        "clinician": None
        if clinician is None
        else {"id": str(clinician.public_id), "name": str(clinician), "gender": clinician.gender},
        "practitioner_role": slot.practitioner_role,
        "delivery_channel": slot.delivery_channel,
        "slot_type": slot.slot_type,
    }


class PatientSerializer(serializers.Serializer):
    nhs_number = serializers.CharField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField()


class BookingSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.ChoiceField(choices=Booking.Status.choices)
    version = serializers.IntegerField(
        help_text="Send it back (or the ETag as If-Match) when changing the booking"
    )
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    slot = SlotSerializer()
    patient = PatientSerializer()
    booking_organisation = OrganisationSerializer()
    channel = serializers.ChoiceField(choices=Booking.Channel.choices)
    description = serializers.CharField()
    comment = serializers.CharField()
    cancellation_reason = serializers.CharField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    write_back = serializers.ChoiceField(
        choices=Booking.WriteBack.choices, help_text="Whether the practice system has it yet"
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
