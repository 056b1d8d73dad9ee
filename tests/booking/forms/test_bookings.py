"""Booking and changing a booking: GP Connect's limits on what the practice is told, and an
override that must say why."""

from booking.forms.bookings import AmendBookingForm, BookingDetailsForm, new_idempotency_key
from gpconnect.resources.appointment import COMMENT_MAX, DESCRIPTION_MAX


def _details(**fields) -> BookingDetailsForm:
    return BookingDetailsForm(
        {
            "patient": "8b1e3c1e-1a55-4e0e-9d9e-5b3f7f1c2d3e",
            "idempotency_key": new_idempotency_key(),
            "description": "Blood pressure review",
            **fields,
        }
    )


def test_overriding_a_rule_needs_a_reason():
    form = _details(override="on", override_reason="   ")

    assert not form.is_valid()
    assert form.errors["override_reason"] == ["Enter a reason for overriding the rule"]


def test_a_reason_counts_only_when_overriding():
    overriding = _details(override="on", override_reason=" GP asked ")
    not_overriding = _details(override_reason="GP asked")

    assert overriding.is_valid() and not_overriding.is_valid()
    assert overriding.reason_to_override() == "GP asked"
    assert not_overriding.reason_to_override() == ""


def test_the_details_take_what_gp_connect_takes():
    at_the_limit = _details(description="x" * DESCRIPTION_MAX, comment="y" * COMMENT_MAX)
    too_long = _details(description="x" * (DESCRIPTION_MAX + 1), comment="y" * (COMMENT_MAX + 1))

    assert at_the_limit.is_valid(), at_the_limit.errors
    assert not too_long.is_valid()
    assert set(too_long.errors) == {"description", "comment"}


def test_changed_details_over_the_limits_say_the_limits():
    form = AmendBookingForm(
        {"version": 1, "description": "x" * (DESCRIPTION_MAX + 1), "comment": "y" * 501}
    )

    assert not form.is_valid()
    assert form.errors["description"] == [
        f"What the appointment is for must be {DESCRIPTION_MAX} characters or fewer"
    ]
    assert form.errors["comment"] == [f"The comment must be {COMMENT_MAX} characters or fewer"]


def test_a_long_comment_is_counted_not_cut_off():
    """The character count warns; a maxlength on the textarea would cut pasted text."""
    for form in (_details(), AmendBookingForm()):
        assert "maxlength" not in form.fields["comment"].widget.attrs
        assert form.fields["comment"].max_length == COMMENT_MAX
