"""GET /api/v1/me/: who the caller is and the organisation they act for."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from practices.roles import Role
from tests.factories import MembershipFactory

ME = "/api/v1/me/"


def token_client(user, **headers) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", **headers)
    return client


def test_me_names_the_user_and_their_only_organisation(hub_receptionist, hub):
    response = token_client(hub_receptionist).get(ME)

    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "hub.reception"
    assert body["organisation"] == {"ods_code": hub.ods_code, "name": hub.name, "kind": "hub"}
    assert body["role"] == Role.HUB_RECEPTIONIST
    assert body["organisations"] == [hub.ods_code]
    assert response["Cache-Control"] == "no-store"


def test_me_with_several_organisations_acts_for_the_one_named(hub_receptionist, hub, practice_a):
    MembershipFactory(user=hub_receptionist, organisation=practice_a, role=Role.CLINICIAN)

    unnamed = token_client(hub_receptionist).get(ME).json()
    named = token_client(hub_receptionist, HTTP_X_ACTING_ORGANISATION=practice_a.ods_code)
    body = named.get(ME).json()

    assert unnamed["organisation"] is None
    assert sorted(unnamed["organisations"]) == sorted([hub.ods_code, practice_a.ods_code])
    assert body["organisation"]["ods_code"] == practice_a.ods_code
    assert body["role"] == Role.CLINICIAN


def test_me_in_a_browser_session_acts_for_the_chosen_organisation(client_for, hub_receptionist):
    response = client_for(hub_receptionist).get(ME)

    assert response.status_code == 200
    assert response.json()["role"] == Role.HUB_RECEPTIONIST


def test_me_refuses_the_anonymous_and_those_who_work_nowhere(client, outsider):
    assert client.get(ME).status_code in (401, 403)
    assert token_client(outsider).get(ME).status_code == 403


def test_me_reads_a_fixed_handful_of_rows(hub_receptionist, django_assert_max_num_queries):
    client = token_client(hub_receptionist)
    with django_assert_max_num_queries(2):  # the token and its user; the memberships
        assert client.get(ME).status_code == 200
