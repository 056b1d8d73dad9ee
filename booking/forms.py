"""Forms for the diary screens: they parse and validate what people type, and hand the
services plain values. The rules themselves live in the services and `release_rules`."""

import datetime
import re
import uuid

from django import forms
from django.core import signing
from django.utils import timezone

from booking import release_rules as rr
from booking.diaries import local_midnight
from booking.models import Audience, Booking, DeliveryChannel, ReleaseRule
from booking.selectors import SlotFilters
from booking.services.sessions import MAX_WEEKS, RuleSpec
from frontend.forms import NHSDateField, NHSForm
from practices.models import Clinician, Organisation, Site
from practices.ods import normalise_ods_code

MAX_SEARCH_DAYS = 28
DEFAULT_SEARCH_DAYS = 14
WIDEN_LEAD = datetime.timedelta(hours=2)

_TIME_WIDGET = {"class": "nhsuk-input--width-5", "autocomplete": "off", "spellcheck": "false"}


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


# Diary navigation --------------------------------------------------------------------------


class DiaryForm(forms.Form):
    """Which day or week to show; anything unreadable falls back to today."""

    date = forms.DateField(required=False)
    view = forms.ChoiceField(choices=[("day", "Day"), ("week", "Week")], required=False)
    practice = forms.UUIDField(required=False)

    def day(self) -> datetime.date:
        if self.is_valid() and self.cleaned_data["date"]:
            return self.cleaned_data["date"]
        return timezone.localdate()

    def view_name(self) -> str:
        return (self.is_valid() and self.cleaned_data["view"]) or "day"


# Publishing sessions -----------------------------------------------------------------------


class PublishSessionForm(NHSForm):
    first_date = NHSDateField(
        label="Date",
        help_text="For example, 14 3 2026. For a weekly session, the date of the first one.",
    )
    start_time = forms.TimeField(
        label="Start time",
        help_text="24-hour clock, for example 18:30",
        widget=forms.TextInput(attrs=_TIME_WIDGET),
    )
    end_time = forms.TimeField(
        label="End time",
        help_text="24-hour clock, for example 20:00",
        widget=forms.TextInput(attrs=_TIME_WIDGET),
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
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
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
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
    )
    widen = forms.BooleanField(
        required=False,
        label="Release unbooked slots to urgent care and patients online 2 hours before the start",
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

    def widening(self) -> tuple[RuleSpec, ...]:
        if not self.cleaned_data.get("widen"):
            return ()
        rules = rr.widen_release(lead=WIDEN_LEAD, to=[rr.Audience.URGENT_CARE, rr.Audience.ONLINE])
        return tuple(
            RuleSpec(
                audience=str(rule.audience),
                opens=ReleaseRule.Opens.BEFORE_START,
                opens_minutes_before=int(rule.opens.lead.total_seconds() // 60),
                cut_off_minutes=int(rule.cut_off.total_seconds() // 60),
            )
            for rule in rules
        )


RELEASE_AUDIENCES = (Audience.HUB, Audience.URGENT_CARE, Audience.ONLINE)
_OPENS_CHOICES = [
    (ReleaseRule.Opens.PUBLISHED, "As soon as the session is published"),
    (ReleaseRule.Opens.BEFORE_START, "A set number of hours before the start"),
    (ReleaseRule.Opens.ON_DAY, "From midnight on the day, or a number of days before"),
]


class ReleaseRuleForm(NHSForm):
    """Release to one audience: from when (the embargo), until when, to whom, how many."""

    release = forms.BooleanField(required=False)
    opens = forms.ChoiceField(
        label="Bookable from",
        choices=_OPENS_CHOICES,
        widget=forms.RadioSelect,
        initial=ReleaseRule.Opens.PUBLISHED,
    )
    hours_before = forms.IntegerField(
        label="Hours before the start",
        help_text="If bookable a set number of hours before the start, for example 48",
        required=False,
        min_value=0,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
    )
    days_before = forms.IntegerField(
        label="Days before",
        help_text="If bookable from midnight on the day (0) or a number of days before",
        required=False,
        min_value=0,
        max_value=60,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
    )
    cut_off_minutes = forms.IntegerField(
        label="Stop bookings this many minutes before the start",
        min_value=0,
        max_value=7 * 24 * 60,
        initial=0,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
    )
    ods_codes = forms.CharField(
        label="Only for these organisations (optional)",
        help_text="ODS codes, separated by spaces or commas. Leave blank for all.",
        required=False,
        max_length=200,
    )
    quota_per_session = forms.IntegerField(
        label="Most bookings by one organisation in a session (optional)",
        required=False,
        min_value=1,
        max_value=500,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
    )
    quota_per_day = forms.IntegerField(
        label="Most bookings by one organisation in a day (optional)",
        required=False,
        min_value=1,
        max_value=500,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
    )

    def __init__(self, *args, audience: str, **kwargs) -> None:
        super().__init__(*args, prefix=audience, **kwargs)
        self.audience = audience
        self.label = rr.Audience(audience).label
        self.fields["release"].label = f"Release to {self.label}"
        # The design system's conditional reveal: the rule's details show once ticked.
        self.fields["release"].widget.attrs["data-aria-controls"] = f"{audience}-rule"
        self.fields["cut_off_minutes"].required = False

    def clean_ods_codes(self) -> tuple[str, ...]:
        codes = []
        for raw in re.split(r"[\s,]+", self.cleaned_data["ods_codes"]):
            if raw:
                codes.append(normalise_ods_code(raw))
        return tuple(codes)

    def clean(self):
        data = super().clean()
        if not data.get("release"):
            return data
        if data.get("opens") == ReleaseRule.Opens.BEFORE_START and data.get("hours_before") is None:
            self.add_error("hours_before", "Enter how many hours before the start")
        if data.get("opens") == ReleaseRule.Opens.ON_DAY and data.get("days_before") is None:
            self.add_error("days_before", "Enter how many days before (0 for on the day)")
        return data

    def spec(self) -> RuleSpec | None:
        data = self.cleaned_data
        if not data.get("release"):
            return None
        opens = data["opens"]
        return RuleSpec(
            audience=self.audience,
            opens=opens,
            opens_minutes_before=(
                data["hours_before"] * 60 if opens == ReleaseRule.Opens.BEFORE_START else None
            ),
            opens_days_before=data["days_before"] if opens == ReleaseRule.Opens.ON_DAY else None,
            cut_off_minutes=data.get("cut_off_minutes") or 0,
            ods_codes=data["ods_codes"],
            quota_per_session=data.get("quota_per_session"),
            quota_per_day=data.get("quota_per_day"),
        )


def release_forms(data=None) -> list[ReleaseRuleForm]:
    """One release form per audience; a new session is released to the hub by default."""
    return [
        ReleaseRuleForm(data, audience=audience, initial={"release": audience == Audience.HUB})
        for audience in RELEASE_AUDIENCES
    ]


class ReasonForm(NHSForm):
    reason = forms.CharField(max_length=200)

    def __init__(self, *args, label: str, hint: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = hint
        self.fields["reason"].error_messages["required"] = f"Enter a {label.lower()}"


# Searching for slots -----------------------------------------------------------------------

TIMES_OF_DAY = {
    "morning": (None, datetime.time(12)),
    "afternoon": (datetime.time(12), datetime.time(17)),
    "evening": (datetime.time(17), None),
}
DAYS = {"weekday": (1, 2, 3, 4, 5), "weekend": (6, 7)}
_CURSOR_SALT = "booking.slot-search"


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
            local_midnight(data["date_from"]),
            local_midnight(data["date_to"] + datetime.timedelta(days=1)),
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


def cursor_for(start: datetime.datetime, pk: int) -> str:
    """An opaque, tamper-proof "after this slot" for the next page."""
    return signing.dumps([start.isoformat(), pk], salt=_CURSOR_SALT, compress=True)


def read_cursor(value: str) -> tuple[datetime.datetime, int] | None:
    if not value:
        return None
    try:
        start, pk = signing.loads(value, salt=_CURSOR_SALT)
        return datetime.datetime.fromisoformat(start), int(pk)
    except (signing.BadSignature, ValueError, TypeError):
        return None


# Booking -----------------------------------------------------------------------------------


class BookingDetailsForm(NHSForm):
    """What the practice will see about the appointment, and the key that makes a double
    click book once."""

    patient = forms.UUIDField(widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=64, min_length=16, widget=forms.HiddenInput)
    description = forms.CharField(
        label="What the appointment is for",
        help_text="The practice sees this in its clinical system. For example, blood pressure "
        "review",
        max_length=100,
    )
    comment = forms.CharField(
        label="Comment for the practice (optional)",
        help_text="Anything the clinician should know before the appointment",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "nhsuk-js-character-count"}),
    )

    # Set when booking despite an embargo, cut-off or quota, by someone who may set the
    # practice's rules aside; the service checks that they may.
    override = forms.BooleanField(required=False, widget=forms.HiddenInput)
    override_reason = forms.CharField(
        label="Reason for overriding the rule",
        help_text="Why this patient needs this slot. The practice sees it, and the override "
        "is recorded in the audit trail.",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "nhsuk-js-character-count"}),
        error_messages={"max_length": "The reason must be 500 characters or fewer"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The character count component counts and warns; a hard maxlength would cut
        # pasted text silently.
        self.fields["comment"].widget.attrs.pop("maxlength", None)
        self.fields["override_reason"].widget.attrs.pop("maxlength", None)

    def clean_override_reason(self) -> str:
        return self.cleaned_data["override_reason"].strip()

    def clean(self):
        data = super().clean()
        missing = not data.get("override_reason") and "override_reason" not in self.errors
        if data.get("override") and missing:
            self.add_error("override_reason", "Enter a reason for overriding the rule")
        return data

    def reason_to_override(self) -> str:
        """The override reason, when the booker chose to override; otherwise nothing."""
        return self.cleaned_data["override_reason"] if self.cleaned_data["override"] else ""


class VersionedForm(NHSForm):
    """Carries the booking's version, so a change made meanwhile is refused, not overwritten."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CancelBookingForm(VersionedForm):
    reason = forms.CharField(
        label="Reason for cancelling",
        help_text="For example, patient feels better. The practice sees this.",
        max_length=200,
        error_messages={"required": "Enter a reason for cancelling"},
    )


ATTENDANCE_CHOICES = [
    (Booking.Status.ARRIVED, "Arrived"),
    (Booking.Status.ATTENDED, "Attended"),
    (Booking.Status.DID_NOT_ATTEND, "Did not attend"),
    (Booking.Status.BOOKED, "Booked"),
]


class AttendanceForm(VersionedForm):
    status = forms.ChoiceField(choices=ATTENDANCE_CHOICES)


class RebookForm(VersionedForm):
    slot = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason for moving the appointment (optional)",
        help_text="For example, patient asked for a later time",
        max_length=200,
        required=False,
    )


class AmendBookingForm(VersionedForm):
    """What the appointment is for and the comment for the practice, changed after booking."""

    description = forms.CharField(
        label="What the appointment is for",
        help_text="The practice sees this in its clinical system. For example, blood pressure "
        "review",
        max_length=100,
        error_messages={
            "max_length": "What the appointment is for must be 100 characters or fewer"
        },
    )
    comment = forms.CharField(
        label="Comment for the practice (optional)",
        help_text="Anything the clinician should know before the appointment",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "nhsuk-js-character-count"}),
        error_messages={"max_length": "The comment must be 500 characters or fewer"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # As when booking: the character count warns, a hard maxlength would cut silently.
        self.fields["comment"].widget.attrs.pop("maxlength", None)


class BookingListForm(forms.Form):
    """The window of a bookings list: from a day, for some weeks."""

    date = forms.DateField(required=False)
    weeks = forms.TypedChoiceField(
        coerce=int, choices=[(1, "1 week"), (2, "2 weeks"), (4, "4 weeks")], required=False
    )

    def window(self) -> tuple[datetime.date, int]:
        valid = self.is_valid()
        first = (valid and self.cleaned_data["date"]) or timezone.localdate()
        weeks = (valid and self.cleaned_data["weeks"]) or 2
        return first, weeks * 7


def validate_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None
