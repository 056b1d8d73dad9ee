"""Searching the pooled diary: the window and what a receptionist narrows it by."""

import datetime

from django import forms
from django.utils import timezone

from booking.models import DeliveryChannel
from booking.search import SlotFilters
from core.time import london_day_start
from frontend.forms import NHSDateField, NHSForm
from practices.models import Clinician

MAX_SEARCH_DAYS = 28
DEFAULT_SEARCH_DAYS = 14
TIMES_OF_DAY = {
    "morning": (None, datetime.time(12)),
    "afternoon": (datetime.time(12), datetime.time(17)),
    "evening": (datetime.time(17), None),
}
DAYS = {"weekday": (1, 2, 3, 4, 5), "weekend": (6, 7)}


class SlotSearchForm(NHSForm):
    """What a receptionist narrows the pooled diary by. Empty means any."""

    date_from = NHSDateField(label="From", required=False, help_text="For example, 14 3 2026")
    date_to = NHSDateField(label="To", required=False, help_text=f"Up to {MAX_SEARCH_DAYS} days")
    time_of_day = forms.ChoiceField(
        label="Time of day",
        required=False,
        choices=[
            ("", "Any time"),
            ("morning", "Morning (before 12pm)"),
            ("afternoon", "Afternoon (12pm to 5pm)"),
            ("evening", "Evening (from 5pm)"),
        ],
    )
    days = forms.ChoiceField(
        label="Days",
        required=False,
        choices=[("", "Any day"), ("weekday", "Monday to Friday"), ("weekend", "Weekends")],
    )
    practice = forms.ChoiceField(label="Practice", required=False)
    site = forms.ChoiceField(label="Site", required=False)
    practitioner_role = forms.ChoiceField(
        label="Practitioner",
        required=False,
        choices=[("", "Any practitioner"), *Clinician.JobRole.choices],
    )
    delivery_channel = forms.ChoiceField(
        label="How the patient is seen",
        required=False,
        choices=[("", "Any way"), *DeliveryChannel.choices],
    )
    slot_type = forms.ChoiceField(label="Slot type", required=False)

    def __init__(self, *args, practices, sites, slot_types, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._practices = {str(p.public_id): p.pk for p in practices}
        self._sites = {str(s.public_id): s.pk for s in sites}
        self.fields["practice"].choices = [("", "Any practice")] + [
            (str(p.public_id), p.name) for p in practices
        ]
        self.fields["site"].choices = [("", "Any site")] + [
            (str(s.public_id), f"{s.name}, {s.postcode}") for s in sites
        ]
        self.fields["slot_type"].choices = [("", "Any type")] + [(t, t) for t in slot_types]

    def clean(self):
        data = super().clean()
        first = data.get("date_from") or timezone.localdate()
        last = data.get("date_to") or first + datetime.timedelta(days=DEFAULT_SEARCH_DAYS - 1)
        if last < first:
            self.add_error("date_to", "The end date must be on or after the start date")
        elif (last - first).days >= MAX_SEARCH_DAYS:
            self.add_error("date_to", f"Search up to {MAX_SEARCH_DAYS} days at a time")
        data["date_from"], data["date_to"] = first, last
        return data

    def window(self) -> tuple[datetime.datetime, datetime.datetime]:
        data = self.cleaned_data
        return (
            london_day_start(data["date_from"]),
            london_day_start(data["date_to"] + datetime.timedelta(days=1)),
        )

    def filters(self) -> SlotFilters:
        data = self.cleaned_data
        from_time, to_time = TIMES_OF_DAY.get(data.get("time_of_day") or "", (None, None))
        return SlotFilters(
            practices=(self._practices[data["practice"]],) if data.get("practice") else (),
            sites=(self._sites[data["site"]],) if data.get("site") else (),
            practitioner_roles=(data["practitioner_role"],)
            if data.get("practitioner_role")
            else (),
            delivery_channels=((data["delivery_channel"],) if data.get("delivery_channel") else ()),
            slot_types=(data["slot_type"],) if data.get("slot_type") else (),
            weekdays=DAYS.get(data.get("days") or "", ()),
            from_time=from_time,
            to_time=to_time,
        )
