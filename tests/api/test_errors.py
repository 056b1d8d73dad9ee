"""One error shape for the whole API."""

from tests.api.helpers import CREATE, booking_url, error_of, token_client


def test_every_error_has_the_same_shape(hub_receptionist, hub_books_for_a):
    client = token_client(hub_receptionist)
    wrong_method = client.get(CREATE)
    assert (wrong_method.status_code, error_of(wrong_method)["code"]) == (
        405,
        "method-not-allowed",
    )
    malformed = client.post(CREATE, "{not json", content_type="application/json")
    assert (malformed.status_code, error_of(malformed)["code"]) == (400, "malformed-request")
    missing = client.get(booking_url("6f1c2a8e-3b9d-4c47-9a55-0d1e2f3a4b5c"))
    assert (missing.status_code, error_of(missing)["code"]) == (404, "booking-not-found")
