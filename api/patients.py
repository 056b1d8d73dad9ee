"""Finding a patient and reading who they are: only through governance's access door, which
decides and audits every patient shown (found or not), exactly as the patient pages do."""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView
from api.errors import ApiError, error_responses
from api.fields import NhsNumber, Text
from api.serializers import OrganisationSerializer
from governance.access import Basis, Purpose, find_patients, open_patient_or_404
from governance.actions import Action
from governance.permissions import Perm


@extend_schema_serializer(component_name="FoundPatient")
class FoundPatientSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    nhs_number = serializers.CharField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    registered_practice = OrganisationSerializer()


class PatientFindApi(ApiView):
    """Find patients across the practices that share with you: by NHS number, or by last
    name and date of birth together. Posted, so that an NHS number never lands in an
    address. Staff who see records search for that purpose; others who book, for booking."""

    permission = Perm.VIEW_ORGANISATION_DETAILS

    @extend_schema_serializer(component_name="PatientFindRequest")
    class InputSerializer(serializers.Serializer):
        nhs_number = NhsNumber(required=False, help_text="Ten digits; alone is enough")
        family_name = Text(max_length=100, required=False, help_text="With date_of_birth")
        date_of_birth = serializers.DateField(required=False, help_text="With family_name")

        def validate(self, data: dict) -> dict:
            if not data.get("nhs_number") and not (
                data.get("family_name") and data.get("date_of_birth")
            ):
                raise serializers.ValidationError(
                    {"non_field_errors": ["Give an NHS number, or a last name and date of birth."]}
                )
            return data

    @extend_schema_serializer(component_name="PatientFindResults")
    class OutputSerializer(serializers.Serializer):
        results = FoundPatientSerializer(many=True, help_text="At most 20; none if not allowed")

    @extend_schema(
        operation_id="patients_find",
        summary="Find a patient",
        description=(
            "Answers only the patients the access rules let you see for your purpose; one you "
            "may not see is simply not found. Every search is audited, with whom it showed."
        ),
        request=InputSerializer,
        responses={200: OutputSerializer, **error_responses()},
        examples=[
            OpenApiExample("By NHS number", value={"nhs_number": "943 476 5919"}, request_only=True)
        ],
        tags=["patients"],
    )
    def post(self, request: Request) -> Response:
        perms = self.actor.permissions
        if Perm.VIEW_PATIENT_RECORDS in perms:
            purpose = Purpose.VIEW_RECORD
        elif Perm.BOOK_FOR_PATIENTS in perms:
            purpose = Purpose.BOOK
        else:
            raise ApiError("forbidden", "Your role does not find patients.")
        given = self.InputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        found = find_patients(self.actor, purpose, **given.validated_data)
        return Response({"results": FoundPatientSerializer(found, many=True).data})


class PatientDetailApi(ApiView):
    """One patient's details, for staff who view records, and the basis they see them on."""

    permission = Perm.VIEW_PATIENT_RECORDS
    not_found = "patient-not-found"

    @extend_schema_serializer(component_name="PatientDetail")
    class OutputSerializer(FoundPatientSerializer):
        basis = serializers.ChoiceField(
            choices=Basis.choices, help_text="What your access rests on (audited)"
        )

    @extend_schema(
        operation_id="patients_retrieve",
        summary="Read a patient",
        responses={200: OutputSerializer, **error_responses("patient-not-found")},
        tags=["patients"],
    )
    def get(self, request: Request, patient_id) -> Response:
        try:
            patient, decision = open_patient_or_404(
                self.actor, patient_id, Purpose.VIEW_RECORD, action=Action.PATIENT_VIEW
            )
        except Http404:
            raise ApiError("patient-not-found") from None
        patient.basis = decision.basis
        return Response(self.OutputSerializer(patient).data)
