"""Forms for care tasks."""

import datetime

from django import forms
from django.utils import timezone

from caretracker.models import CareTeamMember, Encounter, Task
from core.time import LONDON
from frontend.forms import NHSDateField, NHSForm, NHSModelForm
from practices.models import Membership


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


class EnrolForm(NHSForm):
    care_home = forms.ModelChoiceField(
        label="Care home (optional)",
        queryset=None,
        required=False,
        empty_label="Lives in their own home",
    )
    role = forms.ChoiceField(label="Your part in their care", choices=CareTeamMember.Role.choices)

    def __init__(self, *args, **kwargs):
        from practices.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["care_home"].queryset = Organisation.objects.filter(
            kind=Organisation.Kind.CARE_HOME
        )


class TeamMemberForm(NHSForm):
    ods_code = forms.CharField(label="Organisation's ODS code", max_length=10)
    role = forms.ChoiceField(label="Role on the team", choices=CareTeamMember.Role.choices)

    def clean_ods_code(self):
        from practices.models import Organisation

        code = self.cleaned_data["ods_code"].strip().upper()
        organisation = Organisation.objects.filter(ods_code=code).first()
        if organisation is None:
            raise forms.ValidationError("No organisation has that ODS code")
        return organisation


class _PlanForm(NHSModelForm):
    change_note = forms.CharField(
        label="What changed, and why", max_length=300, help_text="Kept with this version"
    )


def plan_form(model, *args, **kwargs):
    """A form for the next version of a care or escalation plan."""
    from caretracker.plans import CONTENT

    form_class = forms.modelform_factory(
        model,
        form=_PlanForm,
        fields=CONTENT[model],
        widgets={"review_due": forms.DateInput(attrs={"type": "date"})},
    )
    return form_class(*args, **kwargs)


class HospitalStayForm(NHSForm):
    """An admission or a discharge, logged by the hospital or by the care team that hears
    of it."""

    OUTCOMES = {
        Encounter.Kind.ADMISSION: Encounter.Outcome.ADMITTED,
        Encounter.Kind.DISCHARGE: Encounter.Outcome.DISCHARGED,
    }

    kind = forms.ChoiceField(
        label="What happened",
        choices=[(kind, kind.label) for kind in OUTCOMES],
        widget=forms.RadioSelect,
    )
    on = NHSDateField(label="Date", help_text="For example, 27 3 2027.")
    at = forms.TimeField(
        label="Time (24-hour clock, optional)",
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text="For example, 14:30",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "numeric"}),
    )
    presenting_reason = forms.CharField(
        label="Reason",
        max_length=300,
        help_text="Why they were admitted, or what the discharge plan is, in a few words",
    )
    notes = forms.CharField(
        label="Ward, hospital and anything the team should know (optional)",
        required=False,
        widget=forms.Textarea,
    )

    def clean(self):
        cleaned = super().clean()
        on = cleaned.get("on")
        if on is not None and self.occurred_at() > timezone.now():
            self.add_error("on", "The date cannot be in the future.")
        return cleaned

    def occurred_at(self) -> datetime.datetime:
        at = self.cleaned_data.get("at") or datetime.time(0)
        return datetime.datetime.combine(self.cleaned_data["on"], at, tzinfo=LONDON)

    def outcome(self) -> str:
        return self.OUTCOMES[self.cleaned_data["kind"]]


class KeyWorkerForm(NHSForm):
    membership = forms.ModelChoiceField(
        label="New key worker", queryset=Membership.objects.none(), empty_label=None
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = candidates
        self.fields["membership"].label_from_instance = lambda membership: (
            f"{membership.user.get_full_name() or membership.user.username}, "
            f"{membership.organisation.name} ({membership.get_role_display()})"
        )


class EndEnrolmentForm(NHSForm):
    reason = forms.CharField(
        label="Why is the patient leaving the care tracker?",
        max_length=200,
        help_text="For example: moved away, no longer needs co-ordinated care, died",
    )
