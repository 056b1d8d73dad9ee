"""The patient hears of an appointment booked for them, whoever booked it: an email to the
address on their record, sent once after the booking commits (text messages and NHS App
messages come with patients online)."""

from booking.changes import Change
from booking.models import Booking
from core.time import day_and_time
from governance.audit import Actor
from notifications.services import send_email


def tell_the_patient(*, by: Actor, booking: Booking, change: Change) -> None:
    patient = booking.patient
    if change is not Change.BOOKED or not patient.email:
        return
    slot = booking.slot
    practice, site = slot.practice, slot.site
    send_email(
        key=f"booking:{booking.public_id}:booked",
        to=patient.email,
        template="appointment-booked",
        personalisation={
            "name": f"{patient.given_name} {patient.family_name}",
            "when": day_and_time(booking.start),
            "place": f"{practice.name}, {site.name}",
            "address": f"{site.address_line_1}, {site.town}, {site.postcode}",
            "clinician": str(slot.clinician)
            if slot.clinician_id
            else slot.get_practitioner_role_display(),
            "phone": practice.phone or "the practice",
        },
    )
