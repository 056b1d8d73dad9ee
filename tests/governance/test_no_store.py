"""No response to a signed-in user may be kept by a browser's or a proxy's cache: pages
show patient data, and a shared computer's back button or a caching proxy must not."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_url_coverage import ALL_URLS, _url

SIGN_OUT = {"logout", "admin:logout"}


def _no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


@pytest.mark.parametrize(("name", "chain"), ALL_URLS, ids=[name for name, _ in ALL_URLS])
def test_every_page_to_a_signed_in_user_is_no_store(client_for, practice_manager_a, name, chain):
    """Each URL with its own practice's objects (so most pages answer with their data), by
    GET, or by POST where only POST is allowed."""
    client = client_for(practice_manager_a)
    url = _url(name, chain, foreign=practice_manager_a.memberships.get().organisation)
    response = client.get(url)
    if response.status_code == 405 and name not in SIGN_OUT:
        response = client.post(url)
    assert _no_store(response), (name, response.status_code, response.get("Cache-Control"))


def test_a_page_for_someone_signed_in_with_no_organisation_is_no_store(outsider):
    client = Client()
    client.force_login(outsider)
    assert _no_store(client.get(reverse("home")))
