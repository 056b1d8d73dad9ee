"""The API's Swagger UI renders from our own origin under the strict Content-Security-Policy."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_with_no_csp_errors(page, live_server, hub_receptionist):
    page.goto(f"{live_server.url}/api/docs/")
    page.fill("#id_username", "hub.reception")  # staff only: signing in comes first
    page.fill("#id_password", "correct-horse-battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/api/docs/")

    page.wait_for_selector(".swagger-ui .opblock")  # built from the schema, by our script
    assert "Hub Diary API" in page.inner_text(".swagger-ui .info .title")
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/bookings/create/" in [s.replace("\u200b", "") for s in summaries]
    policy = page.evaluate(
        "() => fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert page.console_errors == [], page.console_errors  # CSP violations show up here
