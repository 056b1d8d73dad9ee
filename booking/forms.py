"""Forms for the diary screens: they parse and validate what people type, and hand the
services plain values. The rules themselves live in the services and `release_rules`."""

import datetime
import re
import uuid
from collections.abc import Sequence

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.template.defaultfilters import pluralize
from django.utils import timezone

from booking import release_rules as rr
from booking.diaries import local_midnight
from booking.models import Audience, Booking, DeliveryChannel, ReleaseRule
from booking.releases import describe_rules
from booking.selectors import SlotFilters
from booking.services.sessions import MAX_WEEKS, RuleSpec
from frontend.forms import NHSDateField, NHSForm
from practices.models import Clinician, Organisation, Site
from practices.ods import normalise_ods_code

MAX_SEARCH_DAYS = 28
DEFAULT_SEARCH_DAYS = 14

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


# Who may book: release rules, shared by publishing a session and changing its rules -------


RELEASE_AUDIENCES = (Audience.HUB, Audience.URGENT_CARE, Audience.ONLINE)
WIDEN_AUDIENCES = (Audience.URGENT_CARE, Audience.ONLINE)
DEFAULT_WIDEN_HOURS = 2
_OPENS_CHOICES = [
    (ReleaseRule.Opens.PUBLISHED, "As soon as the session is published"),
    (ReleaseRule.Opens.BEFORE_START, "A set number of hours before the start"),
    (ReleaseRule.Opens.ON_DAY, "On the day, from midnight or a time you set"),
]
_CHOOSE = dict(_OPENS_CHOICES)
_COUNT_WIDGET = {"class": "nhsuk-input--width-3"}


class ReleaseRuleForm(NHSForm):
    """Release to one audience: from when (the embargo), until when, to whom, how many."""

    release = forms.BooleanField(required=False)
    opens = forms.ChoiceField(
        label="Bookable from",
        help_text="Bookings open either some hours before the start or at a time on the day, "
        "not both",
        choices=_OPENS_CHOICES,
        widget=forms.RadioSelect,
        initial=ReleaseRule.Opens.PUBLISHED,
    )
    hours_before = forms.IntegerField(
        label="Hours before the start",
        help_text="If bookable a set number of hours before the start, for example 48",
        required=False,
        min_value=1,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs=_COUNT_WIDGET),
        error_messages={"min_value": "Enter at least 1 hour"},
    )
    opens_time = forms.TimeField(
        label="Time on the day",
        help_text="If bookable on the day: 24-hour clock, for example 08:00. Leave blank for "
        "midnight.",
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs=_TIME_WIDGET),
        error_messages={"invalid": "Enter the time on the 24-hour clock, for example 08:00"},
    )
    days_before = forms.IntegerField(
        label="Days before (optional)",
        help_text="To open that many days before the session's day, at that time: 1 for the "
        "day before. Leave blank for the day itself.",
        required=False,
        min_value=0,
        max_value=60,
        widget=forms.NumberInput(attrs=_COUNT_WIDGET),
    )
    cut_off_minutes = forms.IntegerField(
        label="Stop bookings this many minutes before the start",
        help_text="0 to take bookings until the start",
        required=False,
        min_value=0,
        max_value=7 * 24 * 60,
        initial=0,
        widget=forms.NumberInput(attrs=_COUNT_WIDGET),
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
        widget=forms.NumberInput(attrs=_COUNT_WIDGET),
    )
    quota_per_day = forms.IntegerField(
        label="Most bookings by one organisation in a day (optional)",
        required=False,
        min_value=1,
        max_value=500,
        widget=forms.NumberInput(attrs=_COUNT_WIDGET),
    )

    def __init__(self, *args, audience: str, **kwargs) -> None:
        super().__init__(*args, prefix=audience, **kwargs)
        self.audience = audience
        self.label = rr.Audience(audience).label
        self.fields["release"].label = f"Release to {self.label}"
        # The design system's conditional reveal: the rule's details show once ticked.
        self.fields["release"].widget.attrs["data-aria-controls"] = f"{audience}-rule"

    def clean_ods_codes(self) -> tuple[str, ...]:
        codes = []
        for raw in re.split(r"[\s,]+", self.cleaned_data["ods_codes"]):
            if raw:
                codes.append(normalise_ods_code(raw))
        return tuple(codes)

    def clean(self):
        data = super().clean()
        if not data.get("release"):
            # Not released to this audience: what is typed in its hidden details is ignored.
            self._errors.clear()
            return data
        opens = data.get("opens")
        hours, at, days = data.get("hours_before"), data.get("opens_time"), data.get("days_before")
        if opens == ReleaseRule.Opens.BEFORE_START:
            if hours is None and "hours_before" not in self.errors:
                self.add_error("hours_before", "Enter how many hours before the start")
            if at is not None:
                self.add_error(
                    "opens_time",
                    "Clear the time on the day: bookings open some hours before the start or "
                    "at a time on the day, not both",
                )
            if days is not None:
                self.add_error(
                    "days_before",
                    "Clear the days before: they go with a time on the day, not with hours "
                    "before the start",
                )
            cut_off = data.get("cut_off_minutes") or 0
            if hours is not None and cut_off >= hours * 60:
                self.add_error(
                    "cut_off_minutes",
                    f"Stop bookings less than {hours} hour{pluralize(hours)} before the start, "
                    "or they would close before they open",
                )
        elif opens == ReleaseRule.Opens.ON_DAY:
            if hours is not None:
                self.add_error(
                    "hours_before",
                    "Clear the hours before the start: bookings open at a time on the day or "
                    "some hours before the start, not both",
                )
        elif opens == ReleaseRule.Opens.PUBLISHED:
            for name, value, choice in (
                ("hours_before", hours, ReleaseRule.Opens.BEFORE_START),
                ("opens_time", at, ReleaseRule.Opens.ON_DAY),
                ("days_before", days, ReleaseRule.Opens.ON_DAY),
            ):
                if value is not None:
                    label = self.fields[name].label.removesuffix(" (optional)").lower()
                    self.add_error(name, f"Clear the {label}, or choose “{_CHOOSE[choice]}”")
        return data

    def spec(self) -> RuleSpec | None:
        data = self.cleaned_data
        if not data.get("release"):
            return None
        opens = data["opens"]
        on_day = opens == ReleaseRule.Opens.ON_DAY
        return RuleSpec(
            audience=self.audience,
            opens=opens,
            opens_minutes_before=(
                data["hours_before"] * 60 if opens == ReleaseRule.Opens.BEFORE_START else None
            ),
            opens_days_before=(data.get("days_before") or 0) if on_day else None,
            opens_time=data.get("opens_time") if on_day else None,
            cut_off_minutes=data.get("cut_off_minutes") or 0,
            ods_codes=data["ods_codes"],
            quota_per_session=data.get("quota_per_session"),
            quota_per_day=data.get("quota_per_day"),
        )


class WideningForm(NHSForm):
    """Unbooked slots released automatically to wider audiences some hours before the start."""

    widen = forms.BooleanField(
        required=False,
        label="Release unbooked slots automatically to wider audiences",
        widget=forms.CheckboxInput(attrs={"data-aria-controls": "widen-details"}),
    )
    widen_hours = forms.IntegerField(
        label="Hours before the start",
        help_text="Slots still free this long before the start are released, for example 2",
        required=False,
        min_value=1,
        max_value=7 * 24,
        initial=DEFAULT_WIDEN_HOURS,
        widget=forms.NumberInput(attrs=_COUNT_WIDGET),
        error_messages={"min_value": "Enter at least 1 hour"},
    )
    widen_to = forms.MultipleChoiceField(
        label="Release them to",
        required=False,
        choices=[
            (audience, rr.Audience(audience).label.capitalize()) for audience in WIDEN_AUDIENCES
        ],
        widget=forms.CheckboxSelectMultiple,
        initial=list(WIDEN_AUDIENCES),
    )

    def clean(self):
        data = super().clean()
        if not data.get("widen"):
            self._errors.clear()  # the hidden details of a release not chosen are ignored
            return data
        if data.get("widen_hours") is None and "widen_hours" not in self.errors:
            self.add_error("widen_hours", "Enter how many hours before the start")
        if not data.get("widen_to") and "widen_to" not in self.errors:
            self.add_error("widen_to", "Select who to release unbooked slots to")
        return data

    def specs(self) -> tuple[RuleSpec, ...]:
        data = self.cleaned_data
        if not data.get("widen"):
            return ()
        rules = rr.widen_release(
            lead=datetime.timedelta(hours=data["widen_hours"]),
            to=[rr.Audience(audience) for audience in data["widen_to"]],
        )
        return tuple(
            RuleSpec(
                audience=str(rule.audience),
                opens=ReleaseRule.Opens.BEFORE_START,
                opens_minutes_before=int(rule.opens.lead.total_seconds() // 60),
                cut_off_minutes=int(rule.cut_off.total_seconds() // 60),
            )
            for rule in rules
        )


class ReleaseRulesForm:
    """Who may book a session's slots: a rule per audience and the automatic wider release.

    Publishing a session and changing its rules show and read the same fields. Given a
    session's stored `rules`, the forms start from them; rules these fields cannot express
    (set through the API, say) are listed in `unshown`, because saving replaces them.
    """

    def __init__(self, data=None, *, rules: Sequence[ReleaseRule] | None = None) -> None:
        if rules is None:  # a new session: released to the hub as soon as published
            initial = {
                audience: {"release": audience == Audience.HUB} for audience in RELEASE_AUDIENCES
            }
            widening, self.unshown = {}, []
        else:
            initial, widening, self.unshown = _initial_from(rules)
        self.audiences = [
            ReleaseRuleForm(data, audience=audience, initial=initial[audience])
            for audience in RELEASE_AUDIENCES
        ]
        self.widening = WideningForm(data, initial=widening)
        self.non_field_errors: list[str] = []

    def __iter__(self):
        return iter(self.audiences)

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in (*self.audiences, self.widening)])

    @property
    def has_errors(self) -> bool:
        return bool(self.non_field_errors) or any(
            form.errors for form in (*self.audiences, self.widening)
        )

    def specs(self) -> tuple[RuleSpec, ...]:
        chosen = tuple(spec for form in self.audiences if (spec := form.spec()))
        return chosen + self.widening.specs()

    def add_service_error(self, error: ValidationError) -> None:
        self.non_field_errors.extend(error.messages)


def _initial_from(rules: Sequence[ReleaseRule]) -> tuple[dict, dict, list[str]]:
    """Stored rules as the forms' starting values: each audience's rule, and, where urgent
    care or patients online have a second rule opening plainly some hours before the start,
    that one as the automatic wider release (it is what publishing with it stored)."""
    by_audience: dict[str, list[ReleaseRule]] = {audience: [] for audience in RELEASE_AUDIENCES}
    unshown: list[ReleaseRule] = []
    for row in rules:
        if row.audience in by_audience and _fits_the_form(row):
            by_audience[row.audience].append(row)
        else:
            unshown.append(row)
    lead, widen_to = None, []
    for audience in WIDEN_AUDIENCES:
        rows = by_audience[audience]
        plain = sorted(
            (r for r in rows if _is_widening(r) and lead in (None, r.opens_minutes_before)),
            key=lambda r: r.opens_minutes_before,
        )
        if len(rows) > 1 and plain:
            rows.remove(plain[0])
            lead = plain[0].opens_minutes_before
            widen_to.append(audience)
    initial = {}
    for audience, rows in by_audience.items():
        initial[audience] = _rule_initial(rows[0]) if rows else {"release": False}
        unshown.extend(rows[1:])
    widening = {
        "widen": bool(widen_to),
        "widen_hours": lead // 60 if lead else DEFAULT_WIDEN_HOURS,
        "widen_to": widen_to or list(WIDEN_AUDIENCES),
    }
    return initial, widening, describe_rules(unshown)


def _fits_the_form(row: ReleaseRule) -> bool:
    whole_hours = row.opens != ReleaseRule.Opens.BEFORE_START or row.opens_minutes_before % 60 == 0
    return whole_hours and not row.organisation_types


def _is_widening(row: ReleaseRule) -> bool:
    return (
        row.opens == ReleaseRule.Opens.BEFORE_START
        and row.cut_off_minutes == 0
        and not row.ods_codes
        and row.quota_per_session is None
        and row.quota_per_day is None
    )


def _rule_initial(row: ReleaseRule) -> dict:
    on_day = row.opens == ReleaseRule.Opens.ON_DAY
    return {
        "release": True,
        "opens": row.opens,
        "hours_before": (
            row.opens_minutes_before // 60 if row.opens == ReleaseRule.Opens.BEFORE_START else None
        ),
        "opens_time": row.opens_time if on_day else None,
        "days_before": (row.opens_days_before or None) if on_day else None,
        "cut_off_minutes": row.cut_off_minutes,
        "ods_codes": ", ".join(row.ods_codes),
        "quota_per_session": row.quota_per_session,
        "quota_per_day": row.quota_per_day,
    }


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
