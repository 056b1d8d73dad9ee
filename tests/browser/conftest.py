"""Headless Chromium (Debian's) driven by Playwright against a live test server."""

import datetime
import os
import shutil

import pytest
from django.utils import timezone

from booking.models import Audience, DeliveryChannel
from booking.services.sessions import RuleSpec, publish_sessions
from governance.models import Scope
from practices.models import Clinician
from tests.factories import ClinicianFactory, SiteFactory
from tests.governance.helpers import actor_for, agreement

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    """A browser test that fails is run once more before it counts: a real browser against a
    live server on a loaded 2-core machine sometimes drops a navigation (a keep-alive
    connection reset under it). Failing twice still fails; pytest reports each rerun."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's guard would
    # otherwise refuse the test's own database calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _unhashed_static_files(settings):
    """The live server finds static files by name; hashed names are whitenoise's business."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# The hub books practice B's evening session: shared by the hub's journeys.


@pytest.fixture
def pooled(hub, practice_a, practice_b, practice_manager_a, practice_manager_b):
    agreement(practice_a, hub, Scope.BOOKING, by=practice_manager_a)
    agreement(practice_b, hub, Scope.BOOKING, by=practice_manager_b)


@pytest.fixture
def evening_b(practice_b, practice_manager_b):
    """Practice B's evening session in two days: 6:30pm to 8pm, 15-minute slots, for the hub."""
    [session] = publish_sessions(
        by=actor_for(practice_manager_b),
        site=SiteFactory(organisation=practice_b),
        clinician=ClinicianFactory(organisation=practice_b),
        practitioner_role=Clinician.JobRole.GP,
        session_type="GP extended access",
        slot_type="Routine appointment",
        delivery_channel=DeliveryChannel.IN_PERSON,
        first_date=timezone.localdate() + datetime.timedelta(days=2),
        start_time=datetime.time(18, 30),
        end_time=datetime.time(20),
        slot_minutes=15,
        rules=(RuleSpec(audience=Audience.HUB),),
    )
    return session
