from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from governance.models import User


@admin.register(User)
class HubDiaryUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
