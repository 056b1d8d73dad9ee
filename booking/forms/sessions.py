"""Publishing a session, mapping one to the national appointment data, and the reason given
for cancelling one or blocking a slot."""

from django import forms

from booking.appointment_data import NationalCategory, ServiceSetting
from booking.models import DeliveryChannel, Session
from booking.services.sessions import MAX_WEEKS
from frontend.forms import HintedRadioSelect, NHSDateField, NHSForm
from practices.models import Clinician, Organisation, Site

# Widths of the design system's inputs, for a time (18:30) and for a count (48).
TIME_WIDGET = {"class": "nhsuk-input--width-5", "autocomplete": "off", "spellcheck": "false"}
COUNT_WIDGET = {"class": "nhsuk-input--width-3"}


CATEGORY_CHOICES = [
    (value, label)
    for value, label in NationalCategory.choices
    if value != NationalCategory.UNMAPPED
]
SETTING_CHOICES = [
    (ServiceSetting.EXTENDED_ACCESS, "Extended Access Provision"),
    (ServiceSetting.GENERAL_PRACTICE, "General Practice"),
]
SETTING_HINTS = {
    ServiceSetting.EXTENDED_ACCESS: "Enhanced Access appointments offered through the hub, "
    "to patients of every practice in it",
    ServiceSetting.GENERAL_PRACTICE: "The practice's own appointments, for its own patients",
}


class NationalDataForm(NHSForm):
    """The national appointment data's category and setting, which the monthly extract and
    the reports count sessions by."""

    national_category = forms.ChoiceField(
        label="National appointment category",
        help_text="How the national GP appointments data counts this session's appointments",
        choices=[("", "Choose a category"), *CATEGORY_CHOICES],
        initial=NationalCategory.GENERAL_ROUTINE,
    )
    service_setting = forms.ChoiceField(
        label="Service setting",
        choices=SETTING_CHOICES,
        widget=HintedRadioSelect(hints=SETTING_HINTS),
        # A new session is released to the hub until its rules say otherwise.
        initial=ServiceSetting.EXTENDED_ACCESS,
    )

    def national_data(self) -> dict:
        return {
            "national_category": self.cleaned_data["national_category"],
            "service_setting": self.cleaned_data["service_setting"],
        }


class PublishSessionForm(NationalDataForm):
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
        return {name: self.cleaned_data[name] for name in names} | self.national_data()


class CategoriseSessionForm(NationalDataForm):
    """Change a session's national category and setting, and perhaps its series' to come."""

    whole_series = forms.BooleanField(
        required=False,
        label="Also change the sessions still to come in this weekly series",
    )

    def __init__(self, *args, session: Session, later_in_series: int, **kwargs) -> None:
        initial = {"national_category": "", "service_setting": session.service_setting}
        if session.national_category != NationalCategory.UNMAPPED:
            initial["national_category"] = session.national_category
        super().__init__(*args, initial=initial, **kwargs)
        setting = self.fields["service_setting"]
        if session.service_setting not in {*dict(SETTING_CHOICES), ServiceSetting.UNMAPPED}:
            # Set through the API to a setting the page does not offer: keep it choosable.
            setting.choices = [
                *SETTING_CHOICES,
                (session.service_setting, session.get_service_setting_display()),
            ]
        if later_in_series:
            self.fields["whole_series"].help_text = (
                f"{later_in_series} later session{'s' if later_in_series != 1 else ''}; "
                "sessions already held keep their category"
            )
        else:
            del self.fields["whole_series"]


class ReasonForm(NHSForm):
    reason = forms.CharField(max_length=200)

    def __init__(self, *args, label: str, hint: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = hint
        self.fields["reason"].error_messages["required"] = f"Enter a {label.lower()}"
