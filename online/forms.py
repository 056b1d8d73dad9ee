"""The patient area's question pages, one question (or one small group) each, with error
messages in the NHS.UK style."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from booking.search_online import PARTS_OF_DAY
from frontend.forms import NHSDateField, NHSForm, validate_supported_date
from gpconnect.resources.appointment import DESCRIPTION_MAX
from patients.nhs_number import normalise_nhs_number

KINDS = {"": (), "face-to-face": ("In-person",), "remote": ("Telephone", "Video")}


class RegistrationKeyForm(NHSForm):
    key = forms.CharField(
        label="Registration key",
        max_length=20,
        help_text="It is on the letter from your GP practice, like 7KQM-3XHT-WD9P",
        error_messages={"required": "Enter the registration key from your letter"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        help_text="It is on the same letter. For example, 485 777 3456",
        error_messages={"required": "Enter your NHS number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter your last name"},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    date_of_birth = NHSDateField(
        label="Date of birth",
        help_text="For example, 15 3 1984",
        error_messages={"required": "Enter your date of birth"},
    )

    def clean_nhs_number(self) -> str:
        try:
            return normalise_nhs_number(self.cleaned_data["nhs_number"])
        except ValidationError:
            raise ValidationError(
                "Enter your NHS number as it is on your letter, like 485 777 3456"
            ) from None

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        validate_supported_date(value)
        return value


class EmailAndPasswordForm(NHSForm):
    email = forms.EmailField(
        label="Email address",
        help_text="We will send you a link to confirm it",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Create a password",
        help_text="At least 12 characters. Do not use a password you use elsewhere.",
        error_messages={"required": "Enter a password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Enter the password again",
        error_messages={"required": "Enter the password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if len(password) < 12:
            raise ValidationError("Enter a password with at least 12 characters")
        try:
            validate_password(password)
        except ValidationError as error:
            raise ValidationError(" ".join(error.messages)) from None
        return password

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") != data["password"]:
            self.add_error("password_again", "The passwords do not match. Enter them again.")
        return data


class PasswordSignInForm(NHSForm):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class FindTimeForm(NHSForm):
    """Which day, and what suits: the choices are the days that have free times."""

    day = forms.ChoiceField(
        label="Which day?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a day", "invalid_choice": "Select a day from the list"},
    )
    part_of_day = forms.ChoiceField(
        label="What time of day?",
        required=False,
        initial="",
        choices=[("", "Any time"), *((name, name.capitalize()) for name in PARTS_OF_DAY)],
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label="How would you like to see someone?",
        required=False,
        initial="",
        choices=[("", "Either"), ("face-to-face", "Face to face"), ("remote", "By phone or video")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, days: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = days


class AppointmentReasonForm(NHSForm):
    description = forms.CharField(
        label="What do you need help with?",
        max_length=DESCRIPTION_MAX,
        help_text="A few words, so the right person can see you. Do not include anything urgent: "
        "for urgent help, use 111.",
        error_messages={
            "required": "Enter what you need help with",
            "max_length": f"Enter what you need help with in {DESCRIPTION_MAX} characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OnlinePolicyForm(NHSForm):
    """A hub's rules for booking online, in the units a hub manager thinks in."""

    max_future_bookings = forms.IntegerField(
        label="Appointments one patient may have booked online at a time",
        min_value=1,
        max_value=10,
        error_messages={"required": "Enter how many appointments one patient may book"},
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}),
    )
    cancel_cutoff_hours = forms.IntegerField(
        label="Patients can cancel or move online until this many hours before",
        min_value=0,
        max_value=72,
        error_messages={"required": "Enter how many hours before patients can cancel"},
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}),
    )
    hold_minutes = forms.IntegerField(
        label="Minutes a chosen time is held while the patient books",
        min_value=2,
        max_value=30,
        error_messages={"required": "Enter how many minutes a chosen time is held"},
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-2"}),
    )
    offer_minutes = forms.IntegerField(
        label="Minutes a waiting-list offer is held for the patient",
        min_value=5,
        max_value=24 * 60,
        error_messages={"required": "Enter how many minutes an offer is held"},
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4"}),
    )


WEEKDAYS = [
    (1, "Monday"),
    (2, "Tuesday"),
    (3, "Wednesday"),
    (4, "Thursday"),
    (5, "Friday"),
    (6, "Saturday"),
    (7, "Sunday"),
]


class WaitingListForm(NHSForm):
    """What would suit the patient. Nothing ticked means any."""

    weekdays = forms.TypedMultipleChoiceField(
        label="Which days suit you?",
        help_text="Leave them all unticked if any day suits you",
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    earliest = forms.TimeField(
        label="Earliest time (optional)",
        required=False,
        help_text="For example, 17:30",
        error_messages={"invalid": "Enter a time like 17:30"},
        widget=forms.TimeInput(attrs={"class": "nhsuk-input--width-5"}),
    )
    latest = forms.TimeField(
        label="Latest time (optional)",
        required=False,
        help_text="For example, 20:00",
        error_messages={"invalid": "Enter a time like 20:00"},
        widget=forms.TimeInput(attrs={"class": "nhsuk-input--width-5"}),
    )
    sites = forms.ModelMultipleChoiceField(
        label="Which surgeries can you get to?",
        help_text="Leave them all unticked if any of them is fine",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(
        label="How would you like to see someone?",
        choices=[("", "Either"), ("face-to-face", "Face to face"), ("remote", "By phone or video")],
        required=False,
        widget=forms.RadioSelect,
    )
    contact_by = forms.ChoiceField(
        label="How should we tell you when an appointment comes free?",
        choices=[("sms", "Text message"), ("email", "Email")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how we should tell you"},
    )
    reason = forms.CharField(
        label="What do you need help with? (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(),
        error_messages={"max_length": "Enter what you need help with in 100 characters or fewer"},
    )

    def __init__(self, *args, sites, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites

    def clean(self):
        data = super().clean()
        earliest, latest = data.get("earliest"), data.get("latest")
        if earliest and latest and latest <= earliest:
            self.add_error("latest", "The latest time must be after the earliest time")
        return data


class FindPatientByNumberForm(NHSForm):
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        error_messages={"required": "Enter the patient's NHS number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
    )

    def clean_nhs_number(self) -> str:
        return normalise_nhs_number(self.cleaned_data["nhs_number"])
