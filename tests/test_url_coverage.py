"""Walks every URL pattern in the project and proves that anonymous visitors, users who work
for no organisation, and staff of another practice are refused.

A new URL is covered automatically; a new kind of object in a URL must be added to
FOREIGN_OBJECTS below, or this test fails and says so.
"""

import re
import uuid
from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter
from django.urls.resolvers import RoutePattern

from practices.models import Membership
from practices.roles import Role
from tests.booking.builders import booking_at
from tests.booking.diary_builders import free_slot_at
from tests.caretracker.builders import enrolment_at, task_for
from tests.factories import (
    AccessGrantFactory,
    BreakGlassFactory,
    ClinicianFactory,
    HubFactory,
    PatientFactory,
    RelationshipFactory,
    SharingAgreementFactory,
    SiteFactory,
    staff,
)
from tests.online.builders import waiting_entry_at
from tests.writeback.builders import write_back_problem_at

# URLs anyone may reach: signing in and out (with CIS2 too), and the load balancer's health
# checks; in the patient area, its start page, the ways in, and a waiting-list offer's link
# (which is the patient's alone, and holds only the offer's token).
PUBLIC = (
    {"login", "logout", "healthz", "readyz", "admin:login", "admin:logout"}
    | {f"cis2:{name}" for name in ("start", "callback", "choose_role")}
    | {
        f"online:{name}"
        for name in (
            "start",
            "nhs_login",
            "nhs_login_callback",
            "sign_in",
            "sign_out",
            "signed_out",
            "register",
            "register_account",
            "confirm_email",
            "offer",
        )
    }
)

# How to make, at practice B, the object each URL parameter names.
FOREIGN_OBJECTS: dict[str, Callable] = {
    "site_id": lambda b: SiteFactory(organisation=b).public_id,
    "clinician_id": lambda b: ClinicianFactory(organisation=b).public_id,
    "membership_id": lambda b: (
        Membership.objects.get(user=staff(b, Role.PRACTICE_RECEPTIONIST), organisation=b).public_id
    ),
    "patient_id": lambda b: PatientFactory(registered_practice=b).public_id,
    # B's agreement with a hub A has nothing to do with.
    "agreement_id": lambda b: SharingAgreementFactory(practice=b, partner=HubFactory()).public_id,
    "grant_id": lambda b: AccessGrantFactory(organisation=b).public_id,
    "break_glass_id": lambda b: (
        BreakGlassFactory(patient=PatientFactory(registered_practice=b)).public_id
    ),
    "relationship_id": lambda b: (
        RelationshipFactory(patient=PatientFactory(registered_practice=b)).public_id
    ),
    "booking_id": lambda b: booking_at(b).public_id,
    "slot_id": lambda b: free_slot_at(b).public_id,
    "session_id": lambda b: free_slot_at(b).session.public_id,
    "message_id": lambda b: write_back_problem_at(b).public_id,
    "problem_id": lambda b: write_back_problem_at(b).public_id,  # the API's name for one
    "enrolment_id": lambda b: enrolment_at(b).public_id,
    "task_id": lambda b: task_for(enrolment_at(b), b).public_id,
    "entry_id": lambda b: waiting_entry_at(b).public_id,
}

# Values for the admin's regex groups.
REGEX_SAMPLES = {"app_label": "practices", "url": "no-such-page/"}


def _walk(patterns, prefix="", chain=()) -> Iterator[tuple[str, tuple]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _walk(entry.url_patterns, namespace, (*chain, entry.pattern))
        elif isinstance(entry, URLPattern):
            route = "".join(str(pattern) for pattern in (*chain, entry.pattern))
            yield (
                (f"{prefix}{entry.name}" if entry.name else f"{prefix}{route}"),
                (*chain, entry.pattern),
            )


ALL_URLS = sorted(set(_walk(get_resolver().url_patterns)), key=lambda item: item[0])


def _parameters(chain: tuple) -> dict[str, type | None]:
    params: dict[str, type | None] = {}
    for pattern in chain:
        if isinstance(pattern, RoutePattern):
            params.update({name: type(conv) for name, conv in pattern.converters.items()})
        else:
            params.update(dict.fromkeys(pattern.regex.groupindex))
    return params


def _value(param: str, converter: type | None, foreign) -> str:
    if converter is UUIDConverter:
        if foreign is None:
            return str(uuid.uuid4())
        assert param in FOREIGN_OBJECTS, f"Add {param!r} to FOREIGN_OBJECTS"
        return str(FOREIGN_OBJECTS[param](foreign))
    if converter is None:
        return REGEX_SAMPLES[param]
    return "1"


def _url(name: str, chain: tuple, foreign=None) -> str:
    """A concrete address for the pattern chain, built from the patterns themselves."""
    params = _parameters(chain)
    path = ""
    for pattern in chain:
        text = str(pattern)
        if isinstance(pattern, RoutePattern):
            text = re.sub(
                r"<(?:\w+:)?(\w+)>", lambda m: _value(m.group(1), params[m.group(1)], foreign), text
            )
        else:
            text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _value(m.group(1), None, foreign), text)
            text = text.lstrip("^").rstrip("$")
        path += text
    return "/" + path


def _refused(response, admin: bool, patient_area: bool = False) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    if response.status_code == 302:
        if patient_area:  # staff sessions do not reach the patient area: its own sign-in
            login = reverse("online:start")
        else:
            login = reverse("admin:login") if admin else reverse("login")
        return response["Location"].startswith(login)
    return False


PROTECTED = [(name, chain) for name, chain in ALL_URLS if name not in PUBLIC]


@pytest.mark.parametrize(("name", "chain"), PROTECTED, ids=[name for name, _ in PROTECTED])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_refused(client, db, name, chain, method):
    response = getattr(client, method)(_url(name, chain))
    assert _refused(response, name.startswith("admin:"), name.startswith("online:")), (
        name,
        response.status_code,
    )


@pytest.mark.parametrize(("name", "chain"), PROTECTED, ids=[name for name, _ in PROTECTED])
@pytest.mark.parametrize("method", ["get", "post"])
def test_users_working_for_no_organisation_are_refused(client_for, outsider, name, chain, method):
    if name == "home" or name == "choose_organisation":
        pytest.skip("Signed-in pages that explain the user has no organisation")
    response = getattr(client_for(outsider), method)(_url(name, chain))
    assert _refused(response, name.startswith("admin:"), name.startswith("online:")), (
        name,
        response.status_code,
    )


OBJECT_URLS = [
    (name, chain)
    for name, chain in PROTECTED
    if not name.startswith("admin:") and UUIDConverter in _parameters(chain).values()
]


@pytest.mark.parametrize(("name", "chain"), OBJECT_URLS, ids=[name for name, _ in OBJECT_URLS])
@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_of_another_practice_are_refused(
    client_for, practice_manager_a, practice_b, name, chain, method
):
    """The most powerful practice role at A, aimed at each kind of object belonging to B."""
    url = _url(name, chain, foreign=practice_b)
    response = getattr(client_for(practice_manager_a), method)(url)
    assert _refused(response, False, name.startswith("online:")), (name, response.status_code)


def test_outsiders_see_an_explanation_not_data(client_for, outsider):
    client = client_for(outsider)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert b"You do not work for an organisation" in page.content


def test_admin_is_for_superusers_only(client_for, practice_manager_a):
    response = client_for(practice_manager_a).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
