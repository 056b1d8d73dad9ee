"""The hub's GP Connect endpoint: one route, the provider core finds the interaction; any
other path under /gpconnect/ is answered as GP Connect answers, not with a web page."""

from django.urls import path

from gpconnect_facade import views

app_name = "gpconnect_facade"

urlpatterns = [
    path("<str:hub_ods>/STU3/1/<path:rest>", views.endpoint, name="endpoint"),
    path("", views.no_endpoint, {"rest": ""}, name="no_endpoint_root"),
    path("<path:rest>", views.no_endpoint, name="no_endpoint"),
]
