"""Staff signing in with CIS2 (404 unless CIS2_ENABLED)."""

from django.urls import path

from governance.views import cis2

app_name = "cis2"

urlpatterns = [
    path("", cis2.start, name="start"),
    path("callback/", cis2.callback, name="callback"),
    path("role/", cis2.choose_role, name="choose_role"),
]
