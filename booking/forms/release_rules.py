"""Who may book a session's slots: a rule per audience and the automatic wider release,
shared by publishing a session and changing its rules."""

import datetime
import re
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import pluralize

from booking.forms.sessions import COUNT_WIDGET, TIME_WIDGET
from booking.models import Audience, ReleaseRule
from booking.release_rules import decisions, terms
from booking.release_rules.stored import describe_rules
from booking.services.sessions import RuleSpec
from frontend.forms import NHSForm
from practices.ods import normalise_ods_code

RELEASE_AUDIENCES = (Audience.HUB, Audience.URGENT_CARE, Audience.ONLINE)
WIDEN_AUDIENCES = (Audience.URGENT_CARE, Audience.ONLINE)
DEFAULT_WIDEN_HOURS = 2
_OPENS_CHOICES = [
    (ReleaseRule.Opens.PUBLISHED, "As soon as the session is published"),
    (ReleaseRule.Opens.BEFORE_START, "A set number of hours before the start"),
    (ReleaseRule.Opens.ON_DAY, "On the day, from midnight or a time you set"),
]
_CHOOSE = dict(_OPENS_CHOICES)


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
        widget=forms.NumberInput(attrs=COUNT_WIDGET),
        error_messages={"min_value": "Enter at least 1 hour"},
    )
    opens_time = forms.TimeField(
        label="Time on the day",
        help_text="If bookable on the day: 24-hour clock, for example 08:00. Leave blank for "
        "midnight.",
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs=TIME_WIDGET),
        error_messages={"invalid": "Enter the time on the 24-hour clock, for example 08:00"},
    )
    days_before = forms.IntegerField(
        label="Days before (optional)",
        help_text="To open that many days before the session's day, at that time: 1 for the "
        "day before. Leave blank for the day itself.",
        required=False,
        min_value=0,
        max_value=60,
        widget=forms.NumberInput(attrs=COUNT_WIDGET),
    )
    cut_off_minutes = forms.IntegerField(
        label="Stop bookings this many minutes before the start",
        help_text="0 to take bookings until the start",
        required=False,
        min_value=0,
        max_value=7 * 24 * 60,
        initial=0,
        widget=forms.NumberInput(attrs=COUNT_WIDGET),
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
        widget=forms.NumberInput(attrs=COUNT_WIDGET),
    )
    quota_per_day = forms.IntegerField(
        label="Most bookings by one organisation in a day (optional)",
        required=False,
        min_value=1,
        max_value=500,
        widget=forms.NumberInput(attrs=COUNT_WIDGET),
    )

    def __init__(self, *args, audience: str, **kwargs) -> None:
        super().__init__(*args, prefix=audience, **kwargs)
        self.audience = audience
        self.label = terms.Audience(audience).label
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
        widget=forms.NumberInput(attrs=COUNT_WIDGET),
        error_messages={"min_value": "Enter at least 1 hour"},
    )
    widen_to = forms.MultipleChoiceField(
        label="Release them to",
        required=False,
        choices=[
            (audience, terms.Audience(audience).label.capitalize()) for audience in WIDEN_AUDIENCES
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
        rules = decisions.widen_release(
            lead=datetime.timedelta(hours=data["widen_hours"]),
            to=[terms.Audience(audience) for audience in data["widen_to"]],
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
