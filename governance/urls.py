from django.urls import path

from governance.views import break_glass, consent

app_name = "governance"

urlpatterns = [
    path("patients/<uuid:patient_id>/consent/", consent.consent_record, name="consent_record"),
    path("break-glass/", break_glass.break_glass, name="break_glass"),
]
