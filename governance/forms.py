from django import forms
from django.contrib.auth.forms import AuthenticationForm

from frontend.forms import NHSForm, NHSFormMixin
from governance.models import BreakGlass, Consent
from patients.nhs_number import normalise_nhs_number


class SignInForm(NHSFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been closed. Ask your practice manager.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class ConsentForm(NHSForm):
    scope = forms.ChoiceField(
        label="What is the patient consenting to?",
        choices=Consent.Scope.choices,
        widget=forms.RadioSelect,
    )
    state = forms.ChoiceField(
        label="What did the patient say?", choices=Consent.State.choices, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(
        label="How did they say it?", choices=Consent.Method.choices, widget=forms.RadioSelect
    )


class BreakGlassForm(NHSForm):
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "nhsuk-input--width-10"}
        ),
    )
    reason_code = forms.ChoiceField(
        label="Why do you need access?", choices=BreakGlass.Reason.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Explain in a sentence",
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
