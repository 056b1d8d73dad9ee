"""The practice's daily reservation for NHS 111 direct booking."""

from django import forms

from frontend.forms import NHSForm

_NUMBER = {"class": "nhsuk-input--width-5", "inputmode": "numeric"}


class Nhs111ReservationForm(NHSForm):
    list_size = forms.IntegerField(
        label="Registered patients",
        min_value=1,
        max_value=200_000,
        help_text="Your practice's list size, as on your latest payment statement",
        widget=forms.NumberInput(attrs=_NUMBER),
    )
    slots_per_day = forms.IntegerField(
        label="Slots to keep for NHS 111 each day",
        min_value=0,
        max_value=200,
        help_text="The GP contract asks for at least one for every 3,000 registered patients",
        widget=forms.NumberInput(attrs={**_NUMBER, "class": "nhsuk-input--width-3"}),
    )
