"""Staff signing in with CIS2, against a real local OpenID Connect provider started for the
run (scripts/cis2-provider.mjs) that issues whatever CIS2 claims each test chooses: the whole
flow through the pages, PKCE and private_key_jwt included, and everything that must be
refused and audited."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from governance.actions import Action
from governance.models import AuditEvent
from practices.acting import SESSION_KEY
from practices.models import Membership
from practices.roles import Role
from tests.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.online.nhs_login_provider import sign_in_at_provider

CALLBACK_PATH = "/accounts/cis2/callback/"
UID = "555000000101"


def _profile(role_id: str, org, role_code: str = "S8000:G8000:R8000") -> dict:
    return {
        "person_orgid": "555000000900",
        "person_roleid": role_id,
        "org_code": org if isinstance(org, str) else org.ods_code,
        "role_code": role_code,
        "role_name": '"Clinical":"Clinical Provision":"Clinical Practitioner Access Role"',
        "activities": ["Amend Patient Demographics"],
    }


def _login(*profiles: dict, sub: str = UID, selected: str = "", level: str = "3") -> str:
    """The local provider's login: the claims it is to issue, as base64url JSON."""
    claims = {
        "sub": sub,
        "name": "Amara Okafor",
        "given_name": "Amara",
        "family_name": "Okafor",
        "authentication_assurance_level": level,
        "id_assurance_level": "3",
        "nhsid_nrbac_roles": list(profiles),
    }
    if selected:
        claims["selected_roleid"] = selected
    return base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")


@pytest.fixture
def browser(db):
    # The provider sends people back only to a loopback address.
    return Client(SERVER_NAME="127.0.0.1")


@pytest.fixture
def riverside(db):
    return PracticeFactory(name="Riverside Medical Centre")


@pytest.fixture
def kirkgate(db):
    return PracticeFactory(name="Kirkgate Surgery")


@pytest.fixture
def gp(riverside, kirkgate):
    """A GP at two practices, each of which has linked her CIS2 identity."""
    user = UserFactory(username="amara.okafor")
    MembershipFactory(user=user, organisation=riverside, role=Role.CLINICIAN, cis2_uid=UID)
    MembershipFactory(user=user, organisation=kirkgate, role=Role.PRACTICE_MANAGER, cis2_uid=UID)
    return user


def _back_from_cis2(browser: Client, login: str):
    """Start at our sign-in link, sign in at the provider as `login`, and return our answer
    to the provider's redirect back."""
    start = browser.get(reverse("cis2:start"))
    assert start.status_code == 302
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["acr_values"] == ["AAL3_ANY"]
    back = sign_in_at_provider(start["Location"], login, callback_path=CALLBACK_PATH)
    parts = urlsplit(back)
    return browser.get(f"{parts.path}?{parts.query}")


def _signed_in_as(browser: Client):
    """Who the session is, and the memberships it may act through, as the pages see them."""
    page = browser.get(reverse("choose_organisation"))
    if page.status_code != 200:
        return None, []
    request = page.wsgi_request
    return request.user, list(request.memberships)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("occurred_at"))


def test_a_linked_gp_signs_in_as_the_membership_her_role_profile_is_for(
    browser, gp, riverside, kirkgate
):
    # One role profile at Riverside, and one at an organisation Hub Diary does not know.
    login = _login(_profile("555000000111", riverside), _profile("555000000999", "RXX"))
    response = _back_from_cis2(browser, login)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user, memberships = _signed_in_as(browser)
    riverside_membership = Membership.objects.get(user=gp, organisation=riverside)
    assert user == gp
    # She acts for Riverside alone, though she also works at Kirkgate.
    assert memberships == [riverside_membership]
    assert browser.session[SESSION_KEY] == str(riverside.public_id)
    [event] = _events(Action.STAFF_SIGN_IN)
    assert event.outcome == AuditEvent.Outcome.ALLOWED
    assert event.actor == gp and event.actor_organisation_ods == riverside.ods_code
    assert event.actor_role == Role.CLINICIAN
    assert "555000000111" in event.reason and "R8000" in event.reason


def test_the_role_profile_selected_at_cis2_decides_among_several(browser, gp, riverside, kirkgate):
    login = _login(
        _profile("555000000111", riverside),
        _profile("555000000222", kirkgate, "S0010:G0020:R0050"),
        selected="555000000222",
    )
    response = _back_from_cis2(browser, login)
    assert response["Location"] == reverse("home")
    _, memberships = _signed_in_as(browser)
    assert [m.organisation for m in memberships] == [kirkgate]
    assert memberships[0].role == Role.PRACTICE_MANAGER


def test_with_two_matching_role_profiles_and_none_selected_she_chooses(
    browser, gp, riverside, kirkgate
):
    login = _login(
        _profile("555000000111", riverside),
        _profile("555000000222", kirkgate, "S0010:G0020:R0050"),
    )
    response = _back_from_cis2(browser, login)
    assert response["Location"] == reverse("cis2:choose_role")
    assert _signed_in_as(browser) == (None, [])  # not yet signed in
    page = browser.get(reverse("cis2:choose_role"))
    text = page.content.decode()
    assert "Riverside Medical Centre" in text and "Kirkgate Surgery" in text
    assert "Clinical Practitioner Access Role" in text

    nothing = browser.post(reverse("cis2:choose_role"), {})
    assert nothing.status_code == 200
    assert "nhsuk-error-summary" in nothing.content.decode()
    assert "Select the role you are working in today" in nothing.content.decode()
    forged = browser.post(reverse("cis2:choose_role"), {"role": "555000000999"})
    assert "Select the role you are working in today" in forged.content.decode()

    chosen = browser.post(reverse("cis2:choose_role"), {"role": "555000000222"})
    assert chosen["Location"] == reverse("home")
    user, memberships = _signed_in_as(browser)
    assert user == gp and [m.organisation for m in memberships] == [kirkgate]
    [event] = _events(Action.STAFF_SIGN_IN)
    assert event.actor_organisation_ods == kirkgate.ods_code and "555000000222" in event.reason
    # The choice is used up with the sign-in.
    assert browser.get(reverse("cis2:choose_role"))["Location"] == reverse("login")


def test_an_unknown_cis2_identity_is_refused_and_audited(browser, gp, riverside):
    response = _back_from_cis2(browser, _login(_profile("1", riverside), sub="555000000777"))
    assert response.status_code == 403
    assert "not linked to anyone in Hub Diary" in response.content.decode()
    assert "555000000777" in response.content.decode()
    assert _signed_in_as(browser) == (None, [])
    [event] = _events(Action.STAFF_SIGN_IN_REFUSED)
    assert event.outcome == AuditEvent.Outcome.DENIED
    assert event.actor is None and event.actor_name == "CIS2 user 555000000777"
    assert event.reason == "cis2: unknown identity"
    assert not _events(Action.STAFF_SIGN_IN)


def test_a_role_profile_at_an_organisation_where_she_has_no_membership_is_refused(
    browser, gp, riverside
):
    elsewhere = PracticeFactory(name="Westfield Road Surgery")
    # She works at Westfield too, but Westfield has not linked her CIS2 identity.
    MembershipFactory(user=gp, organisation=elsewhere, role=Role.CLINICIAN)
    response = _back_from_cis2(browser, _login(_profile("555000000333", elsewhere)))
    assert response.status_code == 403
    assert f"You do not work for the organisation with ODS code {elsewhere.ods_code}" in (
        response.content.decode()
    )
    assert _signed_in_as(browser) == (None, [])
    [event] = _events(Action.STAFF_SIGN_IN_REFUSED)
    assert event.actor == gp and event.reason == f"cis2: no membership at {elsewhere.ods_code}"


def test_an_ended_membership_no_longer_signs_in(browser, gp, riverside):
    Membership.objects.filter(user=gp).update(is_active=False)
    response = _back_from_cis2(browser, _login(_profile("555000000111", riverside)))
    assert response.status_code == 403
    assert _events(Action.STAFF_SIGN_IN_REFUSED)[0].reason == "cis2: unknown identity"


def test_signing_in_below_assurance_level_3_is_refused(browser, gp, riverside):
    response = _back_from_cis2(browser, _login(_profile("555000000111", riverside), level="2"))
    assert response.status_code == 403
    assert "smartcard" in response.content.decode()
    assert _signed_in_as(browser) == (None, [])
    [event] = _events(Action.STAFF_SIGN_IN_REFUSED)
    assert event.reason == "cis2: assurance level 2"


def test_a_tampered_state_is_refused_and_the_flow_used_up(browser, gp, riverside):
    start = browser.get(reverse("cis2:start"))
    back = sign_in_at_provider(
        start["Location"], _login(_profile("555000000111", riverside)), callback_path=CALLBACK_PATH
    )
    parts = urlsplit(back)
    forged = browser.get(f"{parts.path}?{parts.query.replace('state=', 'state=x')}")
    assert forged.status_code == 403
    assert "did not complete" in forged.content.decode()
    genuine = browser.get(f"{parts.path}?{parts.query}")  # too late: the flow was used up
    assert genuine.status_code == 403
    assert _signed_in_as(browser) == (None, [])


def test_an_id_token_for_another_nonce_is_refused(browser, gp, riverside):
    start = browser.get(reverse("cis2:start"))
    session = browser.session
    session["cis2_flow"] = {**session["cis2_flow"], "nonce": "not-the-one-sent"}
    session.save()
    back = sign_in_at_provider(
        start["Location"], _login(_profile("555000000111", riverside)), callback_path=CALLBACK_PATH
    )
    parts = urlsplit(back)
    response = browser.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 403
    assert _signed_in_as(browser) == (None, [])
    assert not _events(Action.STAFF_SIGN_IN)


def test_a_cis2_sign_in_is_not_asked_for_a_two_factor_code(browser, gp, riverside, settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True
    _back_from_cis2(browser, _login(_profile("555000000111", riverside)))
    assert browser.get(reverse("organisation:organisation")).status_code == 200


def test_a_password_sign_in_still_is_asked_for_a_two_factor_code(client_for, gp, settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True
    response = client_for(gp).get(reverse("organisation:organisation"))
    assert response.status_code == 302 and "two-factor" in response["Location"]


def test_the_sign_in_page_offers_cis2_only_when_it_is_on(client, db, settings):
    settings.CIS2_ENABLED = True
    assert b"Sign in with CIS2" in client.get(reverse("login")).content
    settings.CIS2_ENABLED = False
    assert b"Sign in with CIS2" not in client.get(reverse("login")).content
    for name in ("cis2:start", "cis2:callback", "cis2:choose_role"):
        assert client.get(reverse(name)).status_code == 404, name
    assert client.post(reverse("cis2:choose_role")).status_code == 404
