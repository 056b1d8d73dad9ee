"""Which day or week a diary page shows."""

import datetime

from django import forms
from django.utils import timezone

from frontend.forms import refuse_unsupported_date, validate_supported_date


class DiaryForm(forms.Form):
    """Which day or week to show; anything unreadable falls back to today, a date outside
    the years we work with is refused."""

    date = forms.DateField(required=False, validators=[validate_supported_date])
    view = forms.ChoiceField(choices=[("day", "Day"), ("week", "Week")], required=False)
    practice = forms.UUIDField(required=False)

    def day(self) -> datetime.date:
        if self.is_valid() and self.cleaned_data["date"]:
            return self.cleaned_data["date"]
        refuse_unsupported_date(self)
        return timezone.localdate()

    def view_name(self) -> str:
        return (self.is_valid() and self.cleaned_data["view"]) or "day"
