"""Booking a slot, and changing a booking afterwards: cancel, rebook, attendance, details."""

import uuid

from django import forms

from booking.models import Booking
from frontend.forms import NHSForm
from gpconnect.resources.appointment import COMMENT_MAX, DESCRIPTION_MAX


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class BookingDetailsForm(NHSForm):
    """What the practice will see about the appointment, and the key that makes a double
    click book once."""

    patient = forms.UUIDField(widget=forms.HiddenInput)
    idempotency_key = forms.CharField(max_length=64, min_length=16, widget=forms.HiddenInput)
    description = forms.CharField(
        label="What the appointment is for",
        help_text="The practice sees this in its clinical system. For example, blood pressure "
        "review",
        max_length=DESCRIPTION_MAX,
    )
    comment = forms.CharField(
        label="Comment for the practice (optional)",
        help_text="Anything the clinician should know before the appointment",
        max_length=COMMENT_MAX,
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
        max_length=DESCRIPTION_MAX,
        error_messages={
            "max_length": (
                f"What the appointment is for must be {DESCRIPTION_MAX} characters or fewer"
            )
        },
    )
    comment = forms.CharField(
        label="Comment for the practice (optional)",
        help_text="Anything the clinician should know before the appointment",
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "nhsuk-js-character-count"}),
        error_messages={"max_length": f"The comment must be {COMMENT_MAX} characters or fewer"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # As when booking: the character count warns, a hard maxlength would cut silently.
        self.fields["comment"].widget.attrs.pop("maxlength", None)
