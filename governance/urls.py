from django.urls import path

from governance.views import consent

app_name = "governance"

urlpatterns = [
    path("patients/<uuid:patient_id>/consent/", consent.consent_record, name="consent_record"),
]
