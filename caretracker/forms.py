"""Forms for care tasks."""

import datetime

from django import forms
from django.utils import timezone

from caretracker.models import CareTeamMember, Task
from frontend.forms import NHSForm


class TaskForm(NHSForm):
    kind = forms.ChoiceField(label="Type", choices=Task.Kind.choices, widget=forms.RadioSelect)
    to = forms.ModelChoiceField(
        label="Send to", queryset=CareTeamMember.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label="What needs doing",
        max_length=200,
        help_text="Do not put the patient's name here: it appears in alerts and emails",
    )
    details = forms.CharField(label="Details (optional)", required=False, widget=forms.Textarea)
    hours = forms.IntegerField(
        label="Due within, in hours",
        min_value=1,
        max_value=24 * 28,
        initial=24,
        help_text="A rapid response referral is always due within 2 hours",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = team
        self.fields["to"].label_from_instance = lambda member: (
            f"{member.organisation.name} ({member.get_role_display()})"
        )

    def due_at(self) -> datetime.datetime:
        return timezone.now() + datetime.timedelta(hours=self.cleaned_data["hours"])


class HandBackForm(NHSForm):
    note = forms.CharField(
        label="Why are you handing it back?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
