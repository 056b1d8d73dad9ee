"""API test fixtures: a booking made through the API, to read and change."""

import pytest

from tests.api.helpers import book, slots_of, token_client


@pytest.fixture
def booked(publish, hub_receptionist, hub_books_for_a, patient_a):
    """A hub booking into practice A's first slot, and the hub's API client."""
    slots = slots_of(publish()[0])
    client = token_client(hub_receptionist)
    response = book(client, slots[0], patient_a)
    assert response.status_code == 201
    return client, response.json()["id"], slots
