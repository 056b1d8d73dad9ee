"""Addresses a message can go to, and how staff see them masked."""

import pytest

from notifications.addresses import email_address, masked, uk_mobile


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("0044 (7700) 900-123", "+447700900123"),
        ("07700.900.123", "+447700900123"),
        ("0113 496 0101", None),  # a landline
        ("+33 6 12 34 56 78", None),  # a mobile abroad
        ("0770090012", None),  # a digit short
        ("12345", None),
        ("", None),
    ],
)
def test_uk_mobile_numbers_however_typed(typed, number):
    assert uk_mobile(typed) == number


@pytest.mark.parametrize(
    ("typed", "address"),
    [
        (" ada@example.com ", "ada@example.com"),
        ("ada.lovelace@nhs.net", "ada.lovelace@nhs.net"),
        ("ada@", None),
        ("ada example.com", None),
        ("07700 900123", None),
        ("", None),
    ],
)
def test_email_addresses_that_can_be_sent_to(typed, address):
    assert email_address(typed) == address


def test_a_mobile_shows_its_last_three_digits_and_an_email_its_first_letter_and_domain():
    assert masked("+447700900123") == "07••• ••• 123"
    assert masked("jane.doe@example.com") == "j•••@example.com"
    assert "7700900" not in masked("+447700900123")
    assert "jane" not in masked("jane.doe@example.com")
