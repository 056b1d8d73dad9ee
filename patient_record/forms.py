from django import forms
from django.utils import timezone

from frontend.forms import NHSDateField, NHSModelForm
from patients.models import Patient
from patients.nhs_number import normalise_nhs_number
from practices.postcodes import normalise_postcode


class PatientForm(NHSModelForm):
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        help_text="10 digits, like 999 123 4567. Spaces and dashes are fine.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10", "autocomplete": "off"}
        ),
    )
    date_of_birth = NHSDateField(label="Date of birth", help_text="For example, 27 3 1957")

    class Meta:
        model = Patient
        fields = [
            "nhs_number",
            "title",
            "given_name",
            "family_name",
            "date_of_birth",
            "gender",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "phone",
            "mobile",
            "email",
            "is_sensitive",
        ]
        labels = {
            "title": "Title (optional)",
            "given_name": "First name",
            "family_name": "Last name",
            "address_line_1": "Address line 1 (optional)",
            "address_line_2": "Address line 2 (optional)",
            "town": "Town or city (optional)",
            "postcode": "Postcode (optional)",
            "phone": "Phone (optional)",
            "mobile": "Mobile phone (optional)",
            "email": "Email address (optional)",
            "is_sensitive": "Sensitive record (S-flag): never show outside this practice",
        }
        widgets = {"gender": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = Patient.Gender.choices  # no blank radio

    def clean_nhs_number(self) -> str:
        return normalise_nhs_number(self.cleaned_data["nhs_number"])

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data.get("postcode", "")
        return normalise_postcode(postcode) if postcode else ""

    def clean_date_of_birth(self):
        date_of_birth = self.cleaned_data["date_of_birth"]
        if date_of_birth and date_of_birth > timezone.localdate():
            raise forms.ValidationError("Date of birth must be today or in the past.")
        return date_of_birth
