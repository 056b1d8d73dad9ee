"""Signing in at the local NHS login provider as a test user, the way a browser would: its
login form (the account is the NHS number) and its consent form, following redirects until
the provider sends the patient back to our callback."""

import re
from urllib.parse import urljoin

import httpx

_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')


def sign_in_at_provider(authorisation_url: str, login: str, *, callback_path: str) -> str:
    """Follow the provider's pages from `authorisation_url` as `login`; return the URL it
    redirects to on our side (our callback, with code and state, or an error)."""
    with httpx.Client(timeout=10) as browser:
        url = authorisation_url
        for _ in range(12):
            response = browser.get(url)
            if response.is_redirect:
                url = urljoin(url, response.headers["location"])
                if callback_path in url:
                    return url
                continue
            action, fields = _form(response.text)
            if 'name="login"' in response.text:
                fields.update({"login": login, "password": "any"})
            posted = browser.post(urljoin(url, action), data=fields)
            url = urljoin(url, posted.headers["location"])
            if callback_path in url:
                return url
        raise AssertionError("The provider never sent the patient back")


def _form(page: str) -> tuple[str, dict[str, str]]:
    match = _FORM.search(page)
    if match is None:
        raise AssertionError(f"No form on the provider's page: {page[:300]}")
    action, body = match.groups()
    return action, dict(_HIDDEN.findall(body))
