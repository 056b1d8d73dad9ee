"""Publishing a session, and the reason given for cancelling one or blocking a slot."""

from django import forms

from booking.models import DeliveryChannel
from booking.services.sessions import MAX_WEEKS
from frontend.forms import NHSDateField, NHSForm
from practices.models import Clinician, Organisation, Site

# Widths of the design system's inputs, for a time (18:30) and for a count (48).
TIME_WIDGET = {"class": "nhsuk-input--width-5", "autocomplete": "off", "spellcheck": "false"}
COUNT_WIDGET = {"class": "nhsuk-input--width-3"}


class PublishSessionForm(NHSForm):
    first_date = NHSDateField(
        label="Date",
        help_text="For example, 14 3 2026. For a weekly session, the date of the first one.",
    )
    start_time = forms.TimeField(
        label="Start time",
        help_text="24-hour clock, for example 18:30",
        widget=forms.TextInput(attrs=TIME_WIDGET),
    )
    end_time = forms.TimeField(
        label="End time",
        help_text="24-hour clock, for example 20:00",
        widget=forms.TextInput(attrs=TIME_WIDGET),
    )
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(), to_field_name="public_id", empty_label="Choose a site"
    )
    clinician = forms.ModelChoiceField(
        queryset=Clinician.objects.none(),
        to_field_name="public_id",
        required=False,
        label="Clinician (optional)",
        empty_label="No named clinician",
    )
    practitioner_role = forms.ChoiceField(
        choices=[("", "The clinician's role"), *Clinician.JobRole.choices],
        required=False,
        label="Practitioner role",
        help_text="Needed when no clinician is named",
    )
    session_type = forms.CharField(max_length=60, initial="GP extended access")
    slot_type = forms.CharField(max_length=60, initial="Routine appointment")
    slot_minutes = forms.IntegerField(
        label="Slot length in minutes",
        min_value=5,
        max_value=240,
        initial=15,
        widget=forms.NumberInput(attrs=COUNT_WIDGET),
    )
    delivery_channel = forms.ChoiceField(
        label="How the patient is seen",
        choices=DeliveryChannel.choices,
        widget=forms.RadioSelect,
        initial=DeliveryChannel.IN_PERSON,
    )
    weeks = forms.IntegerField(
        label="Number of weeks",
        help_text=f"1 for a single session; up to {MAX_WEEKS} to hold it weekly on the same "
        "day and time",
        min_value=1,
        max_value=MAX_WEEKS,
        initial=1,
        widget=forms.NumberInput(attrs=COUNT_WIDGET),
    )

    def __init__(self, *args, practice: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(organisation=practice, is_active=True)
        self.fields["clinician"].queryset = Clinician.objects.filter(
            organisation=practice, is_active=True
        )

    def clean(self):
        data = super().clean()
        clinician = data.get("clinician")
        if not data.get("practitioner_role"):
            if clinician is None:
                self.add_error(
                    "practitioner_role", "Select a practitioner role, or name a clinician"
                )
            else:
                data["practitioner_role"] = clinician.job_role
        return data

    def session(self) -> dict:
        """The arguments `publish_sessions` takes, but for the actor and the rules."""
        names = (
            "first_date",
            "start_time",
            "end_time",
            "site",
            "clinician",
            "practitioner_role",
            "session_type",
            "slot_type",
            "slot_minutes",
            "delivery_channel",
            "weeks",
        )
        return {name: self.cleaned_data[name] for name in names}


class ReasonForm(NHSForm):
    reason = forms.CharField(max_length=200)

    def __init__(self, *args, label: str, hint: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = hint
        self.fields["reason"].error_messages["required"] = f"Enter a {label.lower()}"
