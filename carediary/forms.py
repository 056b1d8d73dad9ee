"""The care diary's forms: logging an attendance or contact."""

import datetime

from django import forms
from django.utils import timezone

from caretracker.models import Encounter
from frontend.forms import NHSForm


class EncounterForm(NHSForm):
    kind = forms.ChoiceField(
        label="Type of contact", choices=Encounter.Kind.choices, widget=forms.RadioSelect
    )
    minutes_ago = forms.IntegerField(
        label="How long ago, in minutes",
        min_value=0,
        max_value=48 * 60,
        initial=0,
        help_text="0 if the patient is with you now",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
    )
    presenting_reason = forms.CharField(
        label="Presenting reason",
        max_length=300,
        help_text="In a few words, for example: fall at the care home, no head injury",
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=Encounter.Outcome.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)
    booking = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def occurred_at(self) -> datetime.datetime:
        return timezone.now() - datetime.timedelta(minutes=self.cleaned_data["minutes_ago"])
