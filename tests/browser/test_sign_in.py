"""A receptionist signs in with the keyboard alone and reaches their patients."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_by_keyboard_and_find_a_patient(
    page, live_server, receptionist_practice_a, patient_a
):
    page.goto(f"{live_server.url}/")
    first_link = page.evaluate("document.querySelector('a[href], button, input').textContent")
    assert first_link == "Skip to main content"
    assert page.evaluate("document.activeElement.id") == "id_username"  # autofocus
    page.keyboard.type("reception.a")
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert "Practice receptionist" in page.inner_text("h1")

    page.goto(f"{live_server.url}/patients/")
    page.focus("#q")
    page.keyboard.type("Lovelace")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=LOVELACE, Ada")
    assert page.console_errors == [], page.console_errors  # CSP violations show up here


def test_wrong_password_is_explained_in_an_error_summary(
    page, live_server, receptionist_practice_a
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "reception.a")
    page.fill("#id_password", "not-it")
    page.click("button[type=submit]")
    summary = page.wait_for_selector(".nhsuk-error-summary")
    assert "Enter a correct username and password" in summary.inner_text()
