from django import forms
from django.contrib.auth.password_validation import validate_password

from frontend.forms import NHSDateField, NHSForm, NHSModelForm
from practices.models import Clinician, Organisation, Site, role_choices_for
from practices.postcodes import normalise_postcode


class SiteForm(NHSModelForm):
    class Meta:
        model = Site
        fields = ["name", "address_line_1", "address_line_2", "town", "postcode", "is_active"]
        labels = {
            "address_line_1": "Address line 1",
            "address_line_2": "Address line 2 (optional)",
            "is_active": "Open for appointments",
        }

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])


class ClinicianForm(NHSModelForm):
    class Meta:
        model = Clinician
        fields = ["title", "given_name", "family_name", "gender", "job_role", "is_active"]
        labels = {
            "title": "Title (optional)",
            "given_name": "First name",
            "family_name": "Last name",
            "job_role": "Job role",
            "is_active": "Currently working here",
        }


class StaffMemberForm(NHSForm):
    given_name = forms.CharField(label="First name", max_length=150)
    family_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="NHS email address")
    username = forms.RegexField(
        regex=r"^[\w.@+-]+$",
        max_length=150,
        help_text="Letters, numbers and . @ + - _ only. They will use this to sign in.",
        error_messages={"invalid": "Use only letters, numbers and . @ + - _ in the username."},
    )
    role = forms.ChoiceField(widget=forms.RadioSelect)
    password = forms.CharField(
        label="First password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Give it to them in person; they should change it.",
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_for(organisation)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class StaffRoleForm(NHSForm):
    role = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_for(organisation)


class Cis2IdentityForm(NHSForm):
    cis2_uid = forms.CharField(
        label="CIS2 UUID (optional)",
        required=False,
        max_length=64,
        help_text=(
            "The number that identifies them in CIS2, shown in Care Identity Management and "
            "on their smartcard. With it they can sign in here with CIS2; leave it blank if "
            "they should not."
        ),
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20", "autocomplete": "off"}),
    )


class ListSizeForm(NHSForm):
    patients = forms.IntegerField(
        label="Registered patients",
        min_value=1,
        help_text="The practice's list size, as the latest count gives it",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
        error_messages={
            "required": "Enter the number of registered patients",
            "invalid": "Enter the number of registered patients as a whole number, like 8450",
            "min_value": "Enter a number of registered patients of 1 or more",
        },
    )
    on = NHSDateField(
        label="Counted on",
        help_text="For example, 1 11 2026",
        error_messages={"required": "Enter the date the list was counted"},
    )
