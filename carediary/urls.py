from django.urls import path

from carediary import views

app_name = "carediary"

urlpatterns = [
    path("", views.home, name="home"),
    path("patients/<uuid:patient_id>/", views.patient, name="patient"),
    path("patients/<uuid:patient_id>/contacts/new/", views.log_contact, name="log_contact"),
]
