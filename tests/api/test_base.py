"""What every API operation shares: authentication, the acting organisation, the request
budget for token clients."""

from rest_framework.test import APIClient

from booking.models import Booking
from practices.roles import Role
from tests.api.helpers import SEARCH, book, error_of, token_client
from tests.factories import MembershipFactory

# Authentication and the acting organisation --------------------------------------------------


def test_anonymous_requests_are_refused(client, db):
    response = client.get(SEARCH)
    assert response.status_code == 403
    assert error_of(response)["code"] == "not-authenticated"


def test_a_wrong_token_is_refused(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(SEARCH)
    assert response.status_code == 403
    assert error_of(response)["code"] == "authentication-failed"


def test_a_browser_session_works_too(client_for, hub_receptionist, hub_books_for_a):
    response = client_for(hub_receptionist).get(SEARCH)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_someone_working_for_no_organisation_is_refused(outsider):
    response = token_client(outsider).get(SEARCH)
    assert response.status_code == 403
    assert error_of(response)["code"] == "no-organisation"


def test_a_role_that_does_not_book_is_refused(ig_lead_a):
    response = token_client(ig_lead_a).get(SEARCH)
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_two_organisations_need_the_header_and_it_must_name_one_of_them(
    publish, hub_receptionist, hub_books_for_a, practice_a
):
    MembershipFactory(user=hub_receptionist, organisation=practice_a, role=Role.CLINICIAN)
    publish()
    client = token_client(hub_receptionist)

    ambiguous = client.get(SEARCH)
    assert ambiguous.status_code == 400
    error = error_of(ambiguous)
    assert error["code"] == "acting-organisation-required"
    assert sorted(error["details"]["organisations"]) == ["A10001", "U30003"]

    as_hub = client.get(SEARCH, HTTP_X_ACTING_ORGANISATION="u30003")
    assert as_hub.status_code == 200 and len(as_hub.json()["results"]) == 6

    not_mine = client.get(SEARCH, HTTP_X_ACTING_ORGANISATION="B20002")
    assert not_mine.status_code == 403
    assert error_of(not_mine)["code"] == "not-your-organisation"


def test_the_header_decides_who_booked(
    publish, hub_receptionist, hub_books_for_a, practice_a, patient_a, hub
):
    MembershipFactory(user=hub_receptionist, organisation=practice_a, role=Role.CLINICIAN)
    slot = publish()[0].slots.first()
    response = book(
        token_client(hub_receptionist, HTTP_X_ACTING_ORGANISATION="A10001"), slot, patient_a
    )
    assert response.status_code == 201
    assert response.json()["booking_organisation"]["ods_code"] == "A10001"
    assert response.json()["channel"] == Booking.Channel.PRACTICE


def test_token_clients_are_throttled(hub_receptionist, hub_books_for_a, settings):
    settings.API_TOKEN_REQUESTS_PER_MINUTE = 2
    client = token_client(hub_receptionist)
    responses = [client.get(SEARCH) for _ in range(3)]
    if responses[-1].status_code == 200:  # a minute boundary fell between the requests
        responses = [client.get(SEARCH) for _ in range(3)]
    assert [r.status_code for r in responses[:2]] == [200, 200]
    assert responses[2].status_code == 429
    assert error_of(responses[2])["code"] == "throttled"
    assert int(responses[2]["Retry-After"]) <= 60
