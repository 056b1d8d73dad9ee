from django.contrib import admin

from patients.models import Patient


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = (
        "family_name",
        "given_name",
        "nhs_number",
        "date_of_birth",
        "registered_practice",
    )
    list_select_related = ("registered_practice",)
    search_fields = ("nhs_number", "family_name")
    raw_id_fields = ("registered_practice",)
