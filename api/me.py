"""Who the API caller is: the signed-in user and the organisation they act for.

Useful to a system checking its token, and the benchmarks' floor: an authenticated
request that does next to nothing, so the framework's own cost stands beside search's.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import ACTING_HEADER, acting_membership, caller_memberships
from api.errors import error_responses
from api.permissions import TwoFactorVerified


class MeApi(APIView):
    """The caller and the organisation they act for."""

    permission_classes = [IsAuthenticated, TwoFactorVerified]

    class OrganisationSerializer(serializers.Serializer):
        ods_code = serializers.CharField()
        name = serializers.CharField()
        kind = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        name = serializers.CharField()
        organisation = serializers.JSONField(
            allow_null=True, help_text="The organisation acted for; null if not yet chosen"
        )
        role = serializers.CharField(allow_null=True)
        organisations = serializers.ListField(
            child=serializers.CharField(), help_text="ODS codes of every organisation yours"
        )

    @extend_schema(
        operation_id="me",
        summary="Who am I",
        parameters=[
            OpenApiParameter(
                ACTING_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="The ODS code of the organisation you act for, if several",
            )
        ],
        responses={200: OutputSerializer, **error_responses()},
        tags=["account"],
    )
    def get(self, request: Request) -> Response:
        memberships = caller_memberships(request)
        acting = acting_membership(request, required=False, memberships=memberships)
        organisation = (
            self.OrganisationSerializer(acting.organisation).data if acting is not None else None
        )
        data = {
            "username": request.user.get_username(),
            "name": request.user.get_full_name(),
            "organisation": organisation,
            "role": acting.role if acting is not None else None,
            "organisations": [m.organisation.ods_code for m in memberships],
        }
        response = Response(self.OutputSerializer(data).data)
        response["Cache-Control"] = "no-store"
        return response
