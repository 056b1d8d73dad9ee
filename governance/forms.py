from django import forms
from django.contrib.auth.forms import AuthenticationForm

from frontend.forms import NHSForm, NHSFormMixin
from governance.models import Consent


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
