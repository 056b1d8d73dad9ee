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


def test_an_unknown_address_under_the_api_answers_a_json_error(client):
    for url in ("/api/v1/nothing-here/", "/api/nothing/", "/api/v1/bookings/not-a-uuid/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert error_of(response)["code"] == "not-found"


def test_an_unknown_page_elsewhere_is_still_a_page(client):
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
