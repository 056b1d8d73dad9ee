from django.urls import path

from caretracker import views

app_name = "caretracker"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("records/<uuid:enrolment_id>/", views.record, name="record"),
]
