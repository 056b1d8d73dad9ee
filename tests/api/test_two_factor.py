"""With staff two-factor required, a browser session that has given its password but no
code is refused by the API in the API's error shape, not redirected to an HTML page."""

import pytest
import yaml
from django.test import Client
from django.urls import resolve, reverse
from rest_framework.authtoken.models import Token
from rest_framework.views import APIView

from tests.api.test_bookings import error_of
from tests.governance.test_two_factor import PASSWORD, _code, _enrol
from tests.test_url_coverage import ALL_URLS, _url

DRF_URLS = [
    (name, chain)
    for name, chain in ALL_URLS
    if issubclass(getattr(resolve(_url(name, chain)).func, "cls", type), APIView)
]
API_URLS = [(name, chain) for name, chain in DRF_URLS if name != "api_docs"]


@pytest.fixture
def required(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True


def _password_only(username: str = "hub.reception") -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_api_urls_are_all_found():
    names = {name for name, _ in API_URLS}
    assert {"api:slot_search", "api:booking_create", "api:me", "api_schema"} <= names


@pytest.mark.parametrize(("name", "chain"), API_URLS, ids=[name for name, _ in API_URLS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_api_call_without_the_code_is_refused_in_json(
    required, hub_receptionist, name, chain, method
):
    response = getattr(_password_only(), method)(_url(name, chain))
    assert response.status_code == 403, (name, response.status_code)
    if name == "api_schema":  # the schema speaks OpenAPI's YAML, errors too
        assert response["Content-Type"].startswith("application/vnd.oai.openapi")
        error = yaml.safe_load(response.content)["error"]
    else:
        assert response["Content-Type"] == "application/json"
        error = error_of(response)
    assert error["code"] == "two-factor-required"
    assert error["details"]["url"].startswith(reverse("account:set_up"))


def test_the_refusal_says_where_to_enter_a_code_once_one_is_set_up(required, hub_receptionist):
    _enrol(hub_receptionist)
    response = _password_only().get("/api/v1/slots/", {"page_size": 5})
    error = error_of(response)
    assert error["details"]["url"].startswith(reverse("account:verify"))
    assert "next=%2Fapi%2Fv1%2Fslots%2F%3Fpage_size%3D5" in error["details"]["url"]


def test_the_api_docs_page_still_sends_a_person_to_enter_a_code(required, hub_receptionist):
    response = _password_only().get(reverse("api_docs"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:set_up"))


def test_a_session_that_has_entered_its_code_uses_the_api(required, hub_receptionist):
    device, _ = _enrol(hub_receptionist)
    client = _password_only()
    client.post(reverse("account:verify"), {"code": _code(device)})
    assert client.get(reverse("api:me")).status_code == 200


def test_systems_with_a_token_are_not_asked_for_a_code(required, hub_receptionist):
    token = Token.objects.create(user=hub_receptionist)
    response = Client().get(reverse("api:me"), headers={"Authorization": f"Token {token.key}"})
    assert response.status_code == 200
