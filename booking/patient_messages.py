"""The patient hears of an appointment booked, cancelled or coming up, whoever booked it: an
email to the address on their record and a text to their mobile, each sent once after the
change commits. The organisation that booked sees how each went."""

from booking.changes import Change, moved_from
from booking.models import Booking
from core.time import day_and_time
from governance.audit import Actor
from notifications.services import send_email, send_sms


def tell_the_patient(*, by: Actor, booking: Booking, change: Change) -> None:
    previous = moved_from()
    if change is Change.BOOKED and previous is not None:
        # A move is a cancellation and a booking: the patient hears of one move.
        _send(booking, "moved", "appointment-moved", old_when=day_and_time(previous.start))
    elif change is Change.BOOKED:
        _send(booking, "booked", "appointment-booked")
    elif change is Change.CANCELLED and previous is None:
        _send(booking, "cancelled", "appointment-cancelled")


def remind_the_patient(booking: Booking) -> bool:
    """The reminder the day before; True if sent now, False if sent before (or no address)."""
    return _send(booking, "reminder", "appointment-reminder")


def _send(booking: Booking, what: str, template: str, **more: str) -> bool:
    patient = booking.patient
    if not patient.email and not patient.mobile:
        return False
    slot = booking.slot
    practice, site = slot.practice, slot.site
    values = {
        "name": f"{patient.given_name} {patient.family_name}",
        "when": day_and_time(booking.start),
        "place": f"{practice.name}, {site.name}",
        "address": f"{site.address_line_1}, {site.town}, {site.postcode}",
        "clinician": str(slot.clinician)
        if slot.clinician_id
        else slot.get_practitioner_role_display(),
        "phone": practice.phone or "the practice",
        **more,
    }
    key = f"booking:{booking.public_id}:{what}"
    # The organisation that made the booking sees how its messages went: the hub, for a
    # booking made there or by the patient online through it; the practice, for its own. The
    # practice whose slot it is has the booking in its diary, but did not send the message,
    # and one organisation per message keeps each list to what its staff can act on.
    about = {"organisation_id": booking.booking_organisation_id, "subject": str(booking.public_id)}
    emailed = send_email(
        key=key, to=patient.email, template=template, personalisation=values, **about
    )
    texted = send_sms(
        key=f"{key}:sms", to=patient.mobile, template=template, personalisation=values, **about
    )
    return emailed or texted
