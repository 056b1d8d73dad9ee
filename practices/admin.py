from django.contrib import admin

from practices import services
from practices.models import Clinician, Membership, Organisation, Site


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = ("name", "town", "postcode", "is_active")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "ods_code", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "ods_code")
    filter_horizontal = ("member_practices",)
    inlines = [SiteInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "town", "postcode", "is_active")
    list_select_related = ("organisation",)
    search_fields = ("name", "postcode", "organisation__name")


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organisation", "job_role", "is_active")
    list_select_related = ("organisation",)
    list_filter = ("job_role",)
    search_fields = ("family_name", "given_name", "organisation__name")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "is_active")
    list_select_related = ("user", "organisation")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "organisation__name")
    autocomplete_fields = ("organisation",)
    raw_id_fields = ("user",)

    def save_model(self, request, obj, form, change) -> None:
        # Through the services, so object permissions follow the membership.
        if obj.is_active:
            saved = services.grant_membership(
                by=request.user, user=obj.user, organisation=obj.organisation, role=obj.role
            )
            obj.pk = saved.pk
        else:
            obj.save()
            services.end_membership(by=request.user, membership=obj)
