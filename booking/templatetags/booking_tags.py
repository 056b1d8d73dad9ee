"""Template helpers for the diary: times the NHS way, state tags, and the diary menu items."""

import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

import core.time
from booking.models import Booking, Slot
from governance.permissions import Perm, permissions_for_role

register = template.Library()


@register.filter
def clock(value: datetime.datetime | datetime.time | None) -> str:
    """NHS content style, in London time: 8am, 6:30pm, midday, midnight (`core.time.clock`)."""
    return core.time.clock(value)


@register.filter
def minutes_between(start: datetime.datetime, end: datetime.datetime) -> int:
    return int((end - start).total_seconds() // 60)


_SLOT_TAGS = {
    Slot.Status.FREE: ("Free", "nhsuk-tag--green"),
    Slot.Status.BOOKED: ("Booked", "nhsuk-tag--blue"),
    Slot.Status.BLOCKED: ("Blocked", "nhsuk-tag--grey"),
    Slot.Status.WITHDRAWN: ("Withdrawn", "nhsuk-tag--grey"),
    "past": ("Not booked", "nhsuk-tag--white"),
    "embargoed": ("Not open yet", "nhsuk-tag--yellow"),
    "closed": ("Closed", "nhsuk-tag--grey"),
    "reserved": ("Kept for NHS 111", "nhsuk-tag--purple"),
}
_BOOKING_TAGS = {
    Booking.Status.BOOKED: "nhsuk-tag--blue",
    Booking.Status.ARRIVED: "nhsuk-tag--aqua-green",
    Booking.Status.ATTENDED: "nhsuk-tag--green",
    Booking.Status.DID_NOT_ATTEND: "nhsuk-tag--red",
    Booking.Status.CANCELLED: "nhsuk-tag--grey",
}
_WRITE_BACK_TAGS = {
    Booking.WriteBack.PENDING: ("Waiting", "nhsuk-tag--yellow"),
    Booking.WriteBack.CONFIRMED: ("In practice system", "nhsuk-tag--green"),
    Booking.WriteBack.CONFLICT: ("Conflict", "nhsuk-tag--red"),
    Booking.WriteBack.FAILED: ("Not written", "nhsuk-tag--orange"),
    Booking.WriteBack.NOT_LINKED: ("Not linked", "nhsuk-tag--grey"),
    Booking.WriteBack.MANUAL: ("Enter by hand", "nhsuk-tag--blue"),
    Booking.WriteBack.ENTERED: ("Entered by hand", "nhsuk-tag--green"),
}


def _tag(label: str, css: str) -> SafeString:
    return format_html('<strong class="nhsuk-tag {}">{}</strong>', css, label)


@register.filter
def slot_tag(state: str) -> SafeString:
    label, css = _SLOT_TAGS.get(state, (state, "nhsuk-tag--grey"))
    return _tag(label, css)


@register.filter
def booking_tag(booking: Booking) -> SafeString:
    return _tag(booking.get_status_display(), _BOOKING_TAGS.get(booking.status, ""))


@register.filter
def write_back_tag(booking: Booking) -> SafeString:
    """Where the booking stands in the practice's own system: a tag, and for one a person
    must key in, what that means, in words on the page (never only in a tooltip)."""
    label, css = _WRITE_BACK_TAGS.get(booking.write_back, (booking.write_back, "nhsuk-tag--grey"))
    if booking.write_back == Booking.WriteBack.MANUAL:
        return format_html(
            '<strong class="nhsuk-tag {}">{}</strong> <span class="nhsuk-body-s">{}</span>',
            css,
            label,
            _BY_HAND,
        )
    return _tag(label, css)


_BY_HAND = "Someone at the practice types it into their own system."


@register.filter
def who(slot) -> str:
    """The clinician by name, or the practitioner role when no one is named."""
    if slot.clinician_id:
        return str(slot.clinician)
    return slot.get_practitioner_role_display()


# The menu reads the acting role, not the database: it is on every page and each diary
# page checks the permission afresh.


@register.filter
def can_book(membership) -> bool:
    return membership is not None and Perm.BOOK_FOR_PATIENTS in permissions_for_role(
        membership.role
    )


@register.filter
def follows_write_back(membership) -> bool:
    """Hubs and practices follow their bookings into practice systems; urgent care books
    and moves on, and has no use for the worklist in its menu."""
    return can_book(membership) and membership.organisation.kind in ("hub", "gp-practice")


@register.filter
def manages_sessions(membership) -> bool:
    return (
        membership is not None
        and membership.organisation.is_practice
        and Perm.MANAGE_SESSIONS in permissions_for_role(membership.role)
    )
