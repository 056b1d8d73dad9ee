from django.contrib import admin

from practices.models import Clinician, Organisation, Site


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

    def has_delete_permission(self, request, obj=None) -> bool:
        # Never deleted (patients, bookings and the audit trail refer to it), and the
        # confirmation page would list the registered patients standing in the way.
        return False


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
