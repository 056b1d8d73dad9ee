import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from frontend.forms import NHSDateField, NHSForm, NHSFormMixin
from governance.models import AuditEvent, BreakGlass, Consent, Review, Scope
from patients.nhs_number import normalise_nhs_number
from practices.models import Organisation, role_choices_for
from practices.ods import normalise_ods_code


class SignInForm(NHSFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been closed. Ask your practice manager.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class RoleProfileForm(NHSForm):
    """Which of their CIS2 role profiles a person signing in is working in."""

    role = forms.ChoiceField(
        label="Which role are you working in today?",
        error_messages={
            "required": "Select the role you are working in today",
            "invalid_choice": "Select the role you are working in today",
        },
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, candidates: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {c.profile.role_id: c for c in candidates}
        self.fields["role"].choices = [
            (
                c.profile.role_id,
                f"{c.profile.title} at {c.membership.organisation.name} ({c.profile.org_code})",
            )
            for c in candidates
        ]

    def options(self) -> list:
        """Each radio button with the membership and role profile it stands for."""
        return list(zip(self["role"], self.candidates.values(), strict=True))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role") in self.candidates:
            data["candidate"] = self.candidates[data["role"]]
        return data


class ConsentForm(NHSForm):
    scope = forms.ChoiceField(
        label="What is the patient consenting to?",
        error_messages={"required": "Select what the patient is consenting to"},
        choices=Consent.Scope.choices,
        widget=forms.RadioSelect,
    )
    state = forms.ChoiceField(
        label="What did the patient say?",
        error_messages={"required": "Select what the patient said"},
        choices=Consent.State.choices,
        widget=forms.RadioSelect,
    )
    method = forms.ChoiceField(
        label="How did they say it?",
        error_messages={"required": "Select how the patient said it"},
        choices=Consent.Method.choices,
        widget=forms.RadioSelect,
    )


class FindPatientForm(NHSForm):
    """Find a patient the way they are asked for: NHS number, or surname and date of birth."""

    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "nhsuk-input--width-10"}
        ),
    )
    family_name = forms.CharField(label="Last name", max_length=100, required=False)
    date_of_birth = NHSDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 1957"
    )

    def clean_nhs_number(self) -> str:
        raw = self.cleaned_data["nhs_number"]
        return normalise_nhs_number(raw) if raw.strip() else ""

    def clean(self):
        data = super().clean()
        by_name = data.get("family_name") and data.get("date_of_birth")
        if not self.errors and not data.get("nhs_number") and not by_name:
            raise forms.ValidationError("Enter an NHS number, or a last name and date of birth.")
        return data


class BreakGlassForm(NHSForm):
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "nhsuk-input--width-10"}
        ),
    )
    reason_code = forms.ChoiceField(
        label="Why do you need access?",
        error_messages={"required": "Select why you need access"},
        choices=BreakGlass.Reason.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Explain in a sentence",
        error_messages={"required": "Explain in a sentence why you need access"},
        max_length=500,
        help_text="Your explanation goes to the patient's practice, who will review it.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    password = forms.CharField(
        label="Your password",
        help_text="To confirm it is you.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_nhs_number(self) -> str:
        return normalise_nhs_number(self.cleaned_data["nhs_number"])


class RelationshipClaimForm(NHSForm):
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "nhsuk-input--width-10"}
        ),
    )
    reason = forms.CharField(
        label="How are you caring for the patient?",
        error_messages={"required": "Say how you are caring for the patient"},
        max_length=500,
        help_text=(
            "For example, they are in front of me at the walk-in centre. It goes to the "
            "patient's practice, who will review it."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_nhs_number(self) -> str:
        return normalise_nhs_number(self.cleaned_data["nhs_number"])


class AgreementProposalForm(NHSForm):
    """The acting organisation is one side; the form names the other and which way the
    patients are shared (only a GP practice shares its patients)."""

    OURS, THEIRS = "ours", "theirs"

    direction = forms.ChoiceField(
        label="Whose patients are shared?",
        choices=[
            (OURS, "Our patients, with the other organisation"),
            (THEIRS, "The other practice's patients, with us"),
        ],
        widget=forms.RadioSelect,
    )
    organisation = forms.CharField(
        label="ODS code of the other organisation",
        help_text="For example, B20002 for a practice or U30003 for a hub.",
        max_length=12,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        label="What is shared?",
        error_messages={"required": "Select what is shared"},
        choices=Scope.choices,
        widget=forms.RadioSelect,
    )
    starts_on = NHSDateField(label="Start date", help_text="For example, 1 4 2026.")
    ends_on = NHSDateField(
        label="End date", help_text="Sharing stops at the end of this day. For example, 31 3 2027."
    )

    def __init__(self, *args, acting: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.acting = acting
        if not acting.is_practice:
            del self.fields["direction"]
            other = self.fields["organisation"]
            other.label = "ODS code of the GP practice"
            other.help_text = "The practice that shares its patients with you. For example, B20002."

    def clean_organisation(self) -> Organisation:
        code = normalise_ods_code(self.cleaned_data["organisation"])
        other = Organisation.objects.filter(ods_code=code).first()
        if other is None:
            raise ValidationError("No organisation in Hub Diary has this ODS code.")
        if other == self.acting:
            raise ValidationError("Enter the other organisation's ODS code, not your own.")
        return other

    def clean(self) -> dict:
        data = super().clean()
        other = data.get("organisation")
        if other is not None:
            ours = data.get("direction", self.THEIRS) == self.OURS
            data["practice"], data["partner"] = (
                (self.acting, other) if ours else (other, self.acting)
            )
        return data


def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


class AccessGrantForm(NHSForm):
    """Honorary access for an existing user: a role here, between two dates and times."""

    user = forms.CharField(
        label="Username",
        help_text="The username they sign in to Hub Diary with.",
        max_length=150,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect)
    starts_at = NHSDateField(label="Start date", help_text="For example, 1 12 2026.")
    starts_time = forms.TimeField(
        label="Start time (optional)",
        help_text="24-hour clock, like 18:00. Leave blank to start at midnight.",
        required=False,
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "numeric"}),
    )
    ends_at = NHSDateField(label="End date", help_text="For example, 14 12 2026.")
    ends_time = forms.TimeField(
        label="End time (optional)",
        help_text="24-hour clock, like 22:00. Leave blank to end at 11:59pm.",
        required=False,
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label="Why do they need access?",
        error_messages={"required": "Enter why they need access"},
        help_text="For example, locum cover for evening sessions. No patient details.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_for(organisation)

    def clean_user(self):
        username = self.cleaned_data["user"].strip()
        user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise ValidationError("No one in Hub Diary has this username.")
        return user

    def clean(self) -> dict:
        data = super().clean()
        if data.get("starts_at"):
            data["starts_at"] = _at(data["starts_at"], data.get("starts_time") or datetime.time())
        if data.get("ends_at"):
            data["ends_at"] = _at(data["ends_at"], data.get("ends_time") or datetime.time(23, 59))
        return data


class AccessReviewForm(NHSForm):
    """The patient's practice reviews access on no ordinary basis: break-glass, or a care
    relationship."""

    outcome = forms.ChoiceField(
        label="Was this access appropriate?",
        error_messages={"required": "Select whether this access was appropriate"},
        choices=[
            (Review.APPROPRIATE, "Yes, it was appropriate"),
            (Review.REFERRED, "No, refer it for investigation"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note",
        help_text="Needed if you refer it. Say what you checked; no clinical details.",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AccessReportForm(NHSForm):
    """Filters for the access report. Every one is optional."""

    nhs_number = forms.CharField(
        label="Patient's NHS number",
        required=False,
        max_length=14,
        widget=forms.TextInput(
            attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )
    username = forms.CharField(
        label="Username of the member of staff",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20", "autocomplete": "off"}),
    )
    date_from = NHSDateField(label="From", required=False)
    date_to = NHSDateField(label="To", required=False)
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Allowed and denied"), *AuditEvent.Outcome.choices],
    )
    # One patient, by id: what a posted NHS number becomes in the report's address.
    patient_public_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_nhs_number(self) -> str:
        raw = self.cleaned_data["nhs_number"]
        return normalise_nhs_number(raw) if raw.strip() else ""

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date.")
        return data

    def filters(self) -> dict:
        """The valid filters, named as `selectors.access_report` takes them."""
        return {name: self.cleaned_data[name] for name in self.fields if self.cleaned_data[name]}
