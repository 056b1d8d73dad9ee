"""The acting organisation, the practices it books into, and its sites and clinicians: the
same reads and services as the organisation pages, with the same permissions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView, PageQuery, keyset_page
from api.errors import ApiError, error_responses
from api.fields import Flag, Text
from api.serializers import OrganisationSerializer
from booking.selectors import pooled_practices
from governance.permissions import Perm
from practices import selectors, services
from practices.models import Clinician, Organisation, Site
from practices.postcodes import normalise_postcode

POSTCODE_PATTERN = r"^\s*([A-Za-z]\s*){1,2}[0-9]\s*([A-Za-z0-9]\s*)?[0-9]\s*[A-Za-z]\s*[A-Za-z]\s*$"


class OrganisationApi(ApiView):
    """The organisation the caller acts for, and a hub's member practices."""

    permission = Perm.VIEW_ORGANISATION_DETAILS

    @extend_schema_serializer(component_name="ActingOrganisation")
    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="public_id")
        ods_code = serializers.CharField()
        name = serializers.CharField()
        kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
        member_practices = OrganisationSerializer(many=True, help_text="A hub's; else empty")

    @extend_schema(
        operation_id="organisation_retrieve",
        summary="The organisation you act for",
        responses={200: OutputSerializer, **error_responses()},
        tags=["organisation"],
    )
    def get(self, request: Request) -> Response:
        org = self.actor.membership.organisation
        members = list(selectors.member_practices_of(org)) if org.is_hub else []
        data = {**self.OutputSerializer(org).data}
        data["member_practices"] = OrganisationSerializer(members, many=True).data
        return Response(data)


@extend_schema_serializer(component_name="PracticePage")
class PracticePage(serializers.Serializer):
    results = OrganisationSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class PracticeListApi(ApiView):
    """The practices whose slots the acting organisation may book (its pool)."""

    cursor_salt = "api.practices"

    @extend_schema(
        operation_id="practices_list",
        summary="Practices you book into",
        parameters=[PageQuery],
        responses={200: PracticePage, **error_responses()},
        tags=["organisation"],
    )
    def get(self, request: Request) -> Response:
        given = PageQuery(data=request.query_params)
        given.is_valid(raise_exception=True)
        practices = pooled_practices(self.actor.membership.organisation)
        page, next_cursor = keyset_page(
            practices, key="created_at", data=given.validated_data, salt=self.cursor_salt
        )
        return Response(
            {"results": OrganisationSerializer(page, many=True).data, "next_cursor": next_cursor}
        )


# Sites -------------------------------------------------------------------------------------


class SiteOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    address_line_1 = serializers.CharField()
    address_line_2 = serializers.CharField()
    town = serializers.CharField()
    postcode = serializers.CharField()
    is_active = serializers.BooleanField(help_text="Open for appointments")


class SiteInput(serializers.Serializer):
    name = Text(max_length=200, help_text="Unique within the organisation")
    address_line_1 = Text(max_length=200)
    address_line_2 = Text(max_length=200, required=False, allow_blank=True)
    town = Text(max_length=100)
    postcode = Text(
        help_text="A full UK postcode, like LS1 4AP",
        validators=[RegexValidator(POSTCODE_PATTERN)],
    )
    is_active = Flag(required=False)

    def validate_postcode(self, value: str) -> str:
        try:
            return normalise_postcode(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


@extend_schema_serializer(component_name="SitePage")
class SitePage(serializers.Serializer):
    results = SiteOutput(many=True)
    next_cursor = serializers.CharField(allow_null=True)


def _site_of(actor, site_id) -> Site:
    try:
        return selectors.get_site_of_or_404(actor.membership.organisation, site_id)
    except Http404:
        raise ApiError("site-not-found") from None


class SiteListApi(ApiView):
    """The acting organisation's sites; adding one needs the right to manage sites."""

    permission = Perm.VIEW_ORGANISATION_DETAILS
    write_permission = Perm.MANAGE_SITES
    cursor_salt = "api.sites"

    @extend_schema(
        operation_id="sites_list",
        summary="List your sites",
        parameters=[PageQuery],
        responses={200: SitePage, **error_responses()},
        tags=["organisation"],
    )
    def get(self, request: Request) -> Response:
        given = PageQuery(data=request.query_params)
        given.is_valid(raise_exception=True)
        rows = selectors.sites_of(self.actor.membership.organisation)
        page, next_cursor = keyset_page(
            rows, key="created_at", data=given.validated_data, salt=self.cursor_salt
        )
        return Response({"results": SiteOutput(page, many=True).data, "next_cursor": next_cursor})

    @extend_schema(
        operation_id="sites_create",
        summary="Add a site",
        request=SiteInput,
        responses={201: SiteOutput, **error_responses()},
        tags=["organisation"],
    )
    def post(self, request: Request) -> Response:
        given = SiteInput(data=request.data)
        given.is_valid(raise_exception=True)
        site = services.create_site(
            by=request.user, organisation=self.actor.membership.organisation, **given.validated_data
        )
        return Response(SiteOutput(site).data, status=status.HTTP_201_CREATED)


class SiteDetailApi(ApiView):
    """One of the acting organisation's sites; changing it needs the right to manage sites."""

    permission = Perm.VIEW_ORGANISATION_DETAILS
    write_permission = Perm.MANAGE_SITES
    not_found = "site-not-found"

    @extend_schema(
        operation_id="sites_retrieve",
        summary="Read a site",
        responses={200: SiteOutput, **error_responses("site-not-found")},
        tags=["organisation"],
    )
    def get(self, request: Request, site_id) -> Response:
        return Response(SiteOutput(_site_of(self.actor, site_id)).data)

    @extend_schema(
        operation_id="sites_update",
        summary="Change a site",
        description="Only the fields sent change.",
        request=SiteInput(partial=True),
        responses={200: SiteOutput, **error_responses("site-not-found")},
        tags=["organisation"],
    )
    def patch(self, request: Request, site_id) -> Response:
        site = _site_of(self.actor, site_id)
        given = SiteInput(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        site = services.update_site(by=request.user, site=site, **given.validated_data)
        return Response(SiteOutput(site).data)


# Clinicians --------------------------------------------------------------------------------


class ClinicianOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    gender = serializers.ChoiceField(choices=Clinician.Gender.choices)
    job_role = serializers.ChoiceField(choices=Clinician.JobRole.choices, help_text="SDS code")
    is_active = serializers.BooleanField(help_text="Currently working here")


class ClinicianInput(serializers.Serializer):
    title = Text(max_length=20, required=False, allow_blank=True)
    given_name = Text(max_length=100)
    family_name = Text(max_length=100)
    gender = serializers.ChoiceField(choices=Clinician.Gender.choices, required=False)
    job_role = serializers.ChoiceField(choices=Clinician.JobRole.choices)
    is_active = Flag(required=False)


@extend_schema_serializer(component_name="ClinicianPage")
class ClinicianPage(serializers.Serializer):
    results = ClinicianOutput(many=True)
    next_cursor = serializers.CharField(allow_null=True)


def _clinician_of(actor, clinician_id) -> Clinician:
    try:
        return selectors.get_clinician_of_or_404(actor.membership.organisation, clinician_id)
    except Http404:
        raise ApiError("clinician-not-found") from None


class ClinicianListApi(ApiView):
    """The acting organisation's clinicians; adding one needs the right to manage them."""

    permission = Perm.VIEW_ORGANISATION_DETAILS
    write_permission = Perm.MANAGE_CLINICIANS
    cursor_salt = "api.clinicians"

    @extend_schema(
        operation_id="clinicians_list",
        summary="List your clinicians",
        parameters=[PageQuery],
        responses={200: ClinicianPage, **error_responses()},
        tags=["organisation"],
    )
    def get(self, request: Request) -> Response:
        given = PageQuery(data=request.query_params)
        given.is_valid(raise_exception=True)
        rows = selectors.clinicians_of(self.actor.membership.organisation)
        page, next_cursor = keyset_page(
            rows, key="created_at", data=given.validated_data, salt=self.cursor_salt
        )
        return Response(
            {"results": ClinicianOutput(page, many=True).data, "next_cursor": next_cursor}
        )

    @extend_schema(
        operation_id="clinicians_create",
        summary="Add a clinician",
        request=ClinicianInput,
        responses={201: ClinicianOutput, **error_responses()},
        tags=["organisation"],
    )
    def post(self, request: Request) -> Response:
        given = ClinicianInput(data=request.data)
        given.is_valid(raise_exception=True)
        clinician = services.create_clinician(
            by=request.user, organisation=self.actor.membership.organisation, **given.validated_data
        )
        return Response(ClinicianOutput(clinician).data, status=status.HTTP_201_CREATED)


class ClinicianDetailApi(ApiView):
    """One of the acting organisation's clinicians; changing one needs the right to manage
    clinicians."""

    permission = Perm.VIEW_ORGANISATION_DETAILS
    write_permission = Perm.MANAGE_CLINICIANS
    not_found = "clinician-not-found"

    @extend_schema(
        operation_id="clinicians_retrieve",
        summary="Read a clinician",
        responses={200: ClinicianOutput, **error_responses("clinician-not-found")},
        tags=["organisation"],
    )
    def get(self, request: Request, clinician_id) -> Response:
        return Response(ClinicianOutput(_clinician_of(self.actor, clinician_id)).data)

    @extend_schema(
        operation_id="clinicians_update",
        summary="Change a clinician",
        description="Only the fields sent change.",
        request=ClinicianInput(partial=True),
        responses={200: ClinicianOutput, **error_responses("clinician-not-found")},
        tags=["organisation"],
    )
    def patch(self, request: Request, clinician_id) -> Response:
        clinician = _clinician_of(self.actor, clinician_id)
        given = ClinicianInput(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        clinician = services.update_clinician(
            by=request.user, clinician=clinician, **given.validated_data
        )
        return Response(ClinicianOutput(clinician).data)
