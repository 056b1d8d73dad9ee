"""The messages we send, by name: subject and body with ((placeholders)), the way GOV.UK
Notify's templates are written, and a text message's words under the same name. In
production each name maps to a Notify template id (setting NOTIFY_TEMPLATE_IDS: "name" for
the email's, "name:sms" for the text's) holding the same words; the console and test backends
render them here.

Messages about an appointment share their values: name, when, place, address, clinician and
phone (`booking.patient_messages`); a move adds old_when; a waiting-list offer has name, when,
place, held_until and link (`online.offers`)."""

import re

TEMPLATES: dict[str, tuple[str, str]] = {
    "task-assigned": (
        "Care task to accept: ((title))",
        "A care task has been sent to ((team)): ((title)), due ((due)).\n\n"
        "Accept it or hand it back: ((link))",
    ),
    "task-escalated": (
        "Care task needs attention: ((title))",
        "The care task ((title)) is ((reason)).\n\nSee it: ((link))",
    ),
    "review-due": (
        "Care plan review due ((due))",
        "A ((plan)) you keep is due for review on ((due)).\n\nReview it: ((link))",
    ),
    "patient-contact": (
        "A patient you co-ordinate was seen: ((kind))",
        "((organisation)) logged a contact (((kind))) with a patient whose care you "
        "co-ordinate.\n\nSee their timeline: ((link))",
    ),
    "appointment-booked": (
        "Your appointment on ((when))",
        "Dear ((name)),\n\nYou have an appointment on ((when)) at ((place)), "
        "((address)), with ((clinician)).\n\n"
        "If you cannot go, call ((phone)) so that someone else can have it.",
    ),
    "appointment-reminder": (
        "Reminder: your appointment on ((when))",
        "Dear ((name)),\n\nThis is a reminder of your appointment on ((when)) at ((place)), "
        "((address)), with ((clinician)).\n\n"
        "If you cannot go, call ((phone)) so that someone else can have it.",
    ),
    "appointment-moved": (
        "Your appointment has moved to ((when))",
        "Dear ((name)),\n\nYour appointment on ((old_when)) has moved to ((when)) at ((place)), "
        "((address)), with ((clinician)).\n\n"
        "If you cannot go, call ((phone)) so that someone else can have it.",
    ),
    "appointment-cancelled": (
        "Your appointment on ((when)) is cancelled",
        "Dear ((name)),\n\nYour appointment on ((when)) at ((place)) is cancelled.\n\n"
        "If you still need an appointment, book another online or call ((phone)).",
    ),
    "waiting-list-offer": (
        "An earlier appointment is free: ((when))",
        "Dear ((name)),\n\nAn appointment is free on ((when)) at ((place)). "
        "It is held for you until ((held_until)).\n\n"
        "Accept or decline it: ((link))",
    ),
    "email-verification": (
        "Confirm your email address",
        "Confirm this is your email address to finish registering for online GP "
        "appointments: ((link))\n\nThe link works for 2 days. If you did not register, "
        "ignore this email.",
    ),
}

# Text messages: one or two SMS fragments each, no subject.
SMS_TEMPLATES: dict[str, str] = {
    "appointment-booked": (
        "Your GP appointment: ((when)) at ((place)). If you cannot go, cancel it so someone "
        "else can have it: call ((phone))."
    ),
    "appointment-cancelled": (
        "Your GP appointment on ((when)) at ((place)) is cancelled. To book another, call "
        "((phone))."
    ),
    "appointment-moved": (
        "Your GP appointment has moved to ((when)) at ((place)). It was ((old_when)). If you "
        "cannot go, call ((phone))."
    ),
    "appointment-reminder": (
        "Reminder: GP appointment ((when)) at ((place)). Cannot go? Call ((phone))."
    ),
    "waiting-list-offer": (
        "A GP appointment is free: ((when)) at ((place)). Held for you until ((held_until)). "
        "Accept or decline: ((link))"
    ),
}

# What each message is, in a few words, for the staff who see what was sent.
NAMES: dict[str, str] = {
    "task-assigned": "Care task to accept",
    "task-escalated": "Care task needs attention",
    "review-due": "Care plan review due",
    "patient-contact": "Contact with a patient",
    "appointment-booked": "Appointment booked",
    "appointment-moved": "Appointment moved",
    "appointment-reminder": "Appointment reminder",
    "appointment-cancelled": "Appointment cancelled",
    "waiting-list-offer": "Waiting list offer",
    "email-verification": "Confirm email address",
}


def human_name(template: str) -> str:
    """What a template is, in words: "Appointment booked"."""
    return NAMES.get(template, template)


_PLACEHOLDER = re.compile(r"\(\(([a-z_]+)\)\)")


def render(name: str, personalisation: dict[str, str]) -> tuple[str, str]:
    """Subject and body with every placeholder filled; a missing value is an error, as it
    is in Notify."""
    subject, body = TEMPLATES[name]

    def fill(match: re.Match) -> str:
        return str(personalisation[match.group(1)])

    return _PLACEHOLDER.sub(fill, subject), _PLACEHOLDER.sub(fill, body)


def render_sms(name: str, personalisation: dict[str, str]) -> str:
    """A text message with every placeholder filled."""
    return _PLACEHOLDER.sub(lambda match: str(personalisation[match.group(1)]), SMS_TEMPLATES[name])
