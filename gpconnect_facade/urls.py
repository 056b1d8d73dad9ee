"""The hub's GP Connect endpoint: one route, the provider core finds the interaction."""

from django.urls import path

from gpconnect_facade import views

app_name = "gpconnect_facade"

urlpatterns = [
    path("<str:hub_ods>/STU3/1/<path:rest>", views.endpoint, name="endpoint"),
]
