from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("enhanced-access/", views.compliance, name="compliance"),
    path("utilisation/", views.utilisation, name="utilisation"),
    path("fair-share/", views.fair_share, name="fair_share"),
    path("did-not-attend/", views.did_not_attend, name="did_not_attend"),
    path("flows/", views.flows, name="flows"),
    path("appointments/", views.appointments, name="appointments"),
]
