from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from governance import staff
from governance.models import User
from practices.models import Membership


@admin.register(User)
class HubDiaryUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")


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
            saved = staff.grant_membership(
                by=request.user, user=obj.user, organisation=obj.organisation, role=obj.role
            )
            obj.pk = saved.pk
        else:
            obj.save()
            staff.end_membership(by=request.user, membership=obj)
