"""The templates: every one renders with the values its callers give it, texts are short,
and each has a name staff read."""

import re

import pytest

from notifications.templates import NAMES, SMS_TEMPLATES, TEMPLATES, render, render_sms

# As long as they come: the longest day and time, a long practice and site, a long link.
APPOINTMENT = {
    "name": "Bartholomew Fotheringham-Smythe",
    "when": "12:30pm on Wednesday 30 September 2026",
    "old_when": "10:45am on Wednesday 23 September 2026",
    "place": "Riverside Medical Practice, Riverside Health Centre",
    "address": "12 Long Lane, Leeds, LS6 2AB",
    "clinician": "Dr Amelia Worthington",
    "phone": "0113 496 0000",
    "held_until": "11:45am on Wednesday 23 September 2026",
    "link": "https://hubdiary.example.nhs.uk/patient/offers/" + "x" * 43 + "/",
}
# The GSM alphabet's printable characters that take one place each (Notify counts others
# as more, or sends the whole message in Unicode: fewer characters per fragment).
GSM = re.compile(r"^[A-Za-z0-9 @£$¥èéùìòÇØøÅå_ÆæßÉ!\"#¤%&'()*+,\-./:;<=>?¡ÄÖÑÜ§¿äöñüà\n]*$")


@pytest.mark.parametrize("name", sorted(SMS_TEMPLATES))
def test_a_text_is_at_most_two_fragments_of_plain_characters(name):
    text = render_sms(name, APPOINTMENT)
    assert GSM.match(text), text
    assert len(text) <= 306, f"{name} is {len(text)} characters: more than 2 text messages"


@pytest.mark.parametrize("name", sorted(SMS_TEMPLATES))
def test_each_text_has_an_email_of_the_same_name_asking_no_more(name):
    """A caller sends both from one set of values: the text may ask for no value the email
    does not."""
    subject, body = TEMPLATES[name]
    placeholders = set(re.findall(r"\(\(([a-z_]+)\)\)", subject + body))
    assert set(re.findall(r"\(\(([a-z_]+)\)\)", SMS_TEMPLATES[name])) <= placeholders


@pytest.mark.parametrize(
    "name",
    [
        "appointment-booked",
        "appointment-cancelled",
        "appointment-moved",
        "appointment-reminder",
        "waiting-list-offer",
    ],
)
def test_each_message_to_patients_goes_by_email_and_by_text(name):
    subject, body = render(name, APPOINTMENT)
    assert "((" not in subject + body
    assert name in SMS_TEMPLATES


def test_the_moved_message_says_both_times_and_the_offer_how_long_it_is_held():
    assert "10:45am on Wednesday 23 September 2026" in render_sms("appointment-moved", APPOINTMENT)
    offer = render_sms("waiting-list-offer", APPOINTMENT)
    assert "11:45am on Wednesday 23 September 2026" in offer and APPOINTMENT["link"] in offer


def test_confirming_an_email_address_gives_the_link():
    subject, body = render("email-verification", {"link": "https://x/confirm/abc/"})
    assert subject == "Confirm your email address" and "https://x/confirm/abc/" in body


def test_a_missing_value_is_an_error_as_in_notify():
    with pytest.raises(KeyError):
        render_sms("appointment-booked", {"when": "today"})


def test_every_template_has_a_name_for_staff():
    assert set(TEMPLATES) | set(SMS_TEMPLATES) <= set(NAMES)
