"""The authorisation matrix: every URL, every persona, every object scope.

Each URL has a row saying which roles may use it, and for URLs that name an object, in
which scopes: the persona's own organisation ("own"), a practice that shares with
everyone and whose patients consented ("shared"), and a practice that shares with nobody
("unshared"). Anything else is expected to be refused (403, 404, or a redirect to sign
in). A URL without a row fails the build, so a new page cannot ship unexamined.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from governance.models import Consent, Scope, SharingAgreement
from practices.models import ROLES_BY_KIND, ClinicalSystemLink, Organisation
from practices.roles import Role
from tests.booking.builders import booking_at
from tests.booking.diary_builders import free_slot_at
from tests.caretracker.builders import enrolment_at, task_for
from tests.factories import (
    AccessGrantFactory,
    BreakGlassFactory,
    ClinicianFactory,
    HubFactory,
    OrganisationFactory,
    PatientFactory,
    PracticeFactory,
    RelationshipFactory,
    SharingAgreementFactory,
    SiteFactory,
    UrgentCareFactory,
    UserFactory,
    staff,
)
from tests.governance.authorisation_rows import (
    MATRIX,
    OWN,
    PERSONAS,
    SCOPES,
    SIGNED_IN,
    Persona,
    roles,
)
from tests.online.builders import waiting_entry_at
from tests.test_url_coverage import ALL_URLS, _parameters, _url
from tests.writeback.builders import write_back_problem_at

# Signing out is POST-only and would end the shared personas' sessions: GET proves the route.
SIGN_OUT = {"logout", "admin:logout"}

# The admin's own sign-in pages are public; every other admin page is for superusers only.
ADMIN_PUBLIC = {"admin:login", "admin:logout"}


def _row(name: str) -> dict | None:
    if name in ADMIN_PUBLIC:
        return roles(*SIGNED_IN, "anonymous")
    if name.startswith("admin:"):
        return {}
    return MATRIX.get(name)


# The world ---------------------------------------------------------------------------------


@dataclass
class World:
    organisations: dict
    clients: dict
    sharer: object


def _share_everything(practice, partners, by) -> None:
    today = timezone.localdate()
    for partner in partners:
        for scope in Scope.values:
            SharingAgreement.objects.create(
                practice=practice,
                partner=partner,
                scope=scope,
                status=SharingAgreement.Status.ACTIVE,
                starts_on=today - datetime.timedelta(1),
                ends_on=today + datetime.timedelta(365),
                proposed_by=by,
                proposed_by_organisation=practice,
                decided_by=by,
                decided_at=timezone.now(),
            )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end, as
    Django's setUpTestData does; each test's own writes roll back to a savepoint."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build_world() -> World:
    orgs = {
        "A": PracticeFactory(name="Practice A"),
        "B": PracticeFactory(name="Practice B"),
        "shared": PracticeFactory(name="Sharing practice"),
        "unshared": PracticeFactory(name="Private practice"),
        "hub": HubFactory(),
        "ae": UrgentCareFactory(),
        "ooh": UrgentCareFactory(),
        "care-home": OrganisationFactory(kind=Organisation.Kind.CARE_HOME),
        "community": OrganisationFactory(kind=Organisation.Kind.COMMUNITY),
        "social-care": OrganisationFactory(kind=Organisation.Kind.SOCIAL_CARE),
        "hospital": OrganisationFactory(kind=Organisation.Kind.HOSPITAL),
    }
    orgs["hub"].member_practices.set([orgs["A"], orgs["B"], orgs["shared"], orgs["unshared"]])
    for practice in (orgs["A"], orgs["B"]):  # linked to their clinical systems, switched off
        ClinicalSystemLink.objects.create(practice=practice, base_url="https://gpc.example")
    clients = {}
    for persona in PERSONAS:
        client = Client()
        if persona.role == "anonymous":
            pass
        elif persona.role is None:
            client.force_login(UserFactory())
        else:
            client.force_login(staff(orgs[persona.home], persona.role))
        clients[persona.key] = client
    sharer = UserFactory()
    _share_everything(
        orgs["shared"], [orgs[k] for k in ("A", "B", "hub", "ae", "ooh", "hospital")], sharer
    )
    return World(orgs, clients, sharer)


def _consented_patient(practice, by):
    patient = PatientFactory(registered_practice=practice)
    for scope in Consent.Scope.values:
        Consent.objects.create(
            patient=patient,
            scope=scope,
            state=Consent.State.GIVEN,
            method=Consent.Method.VERBAL,
            recorded_by=by,
            recorded_at=timezone.now(),
        )
    return patient


def _agreement_of(org):
    """A proposal to the organisation from an organisation nobody else knows, so the
    organisation is the side that may accept or decline it."""
    if org.is_practice:
        other = HubFactory()
        return SharingAgreementFactory(
            practice=org, partner=other, proposed=True, proposed_by_organisation=other
        )
    other = PracticeFactory()
    return SharingAgreementFactory(
        practice=other, partner=org, proposed=True, proposed_by_organisation=other
    )


def _a_role_at(org) -> str:
    """A clinician where the organisation has them, else a care coordinator."""
    return Role.CLINICIAN if Role.CLINICIAN in ROLES_BY_KIND[org.kind] else Role.CARE_COORDINATOR


BUILDERS = {
    "site_id": lambda org, by: SiteFactory(organisation=org).public_id,
    "clinician_id": lambda org, by: ClinicianFactory(organisation=org).public_id,
    "membership_id": lambda org, by: staff(org, _a_role_at(org)).memberships.get().public_id,
    "patient_id": lambda org, by: (
        _consented_patient(org, by).public_id if org.is_practice else None
    ),
    "agreement_id": lambda org, by: _agreement_of(org).public_id,
    "grant_id": lambda org, by: (
        AccessGrantFactory(organisation=org, role=_a_role_at(org)).public_id
    ),
    "break_glass_id": lambda org, by: (
        BreakGlassFactory(patient=PatientFactory(registered_practice=org)).public_id
        if org.is_practice
        else None
    ),
    "relationship_id": lambda org, by: (
        RelationshipFactory(patient=PatientFactory(registered_practice=org)).public_id
        if org.is_practice
        else None
    ),
    "booking_id": lambda org, by: (
        (booking_at(org) if org.is_practice else booking_at(made_by=org)).public_id
    ),
    "slot_id": lambda org, by: free_slot_at(org).public_id if org.is_practice else None,
    "session_id": lambda org, by: free_slot_at(org).session.public_id if org.is_practice else None,
    "enrolment_id": lambda org, by: (
        enrolment_at(org, patient=_consented_patient(org, by)).public_id
        if org.is_practice
        else None
    ),
    "task_id": lambda org, by: (
        task_for(enrolment_at(org, patient=_consented_patient(org, by)), org).public_id
        if org.is_practice
        else None
    ),
    "entry_id": lambda org, by: _waiting_entry_at(org, by),
    "problem_id": lambda org, by: (
        (
            write_back_problem_at(org) if org.is_practice else write_back_problem_at(made_by=org)
        ).public_id
    ),
    "message_id": lambda org, by: (
        (
            write_back_problem_at(org) if org.is_practice else write_back_problem_at(made_by=org)
        ).public_id
    ),
}


def _waiting_entry_at(org, by):
    """On the organisation's waiting list (a hub's: a patient of a practice that books with
    it), or on its hub's list (a practice's patient)."""
    if org.is_hub:
        practice = PracticeFactory()
        org.member_practices.add(practice)
        SharingAgreementFactory(practice=practice, partner=org)
        return waiting_entry_at(practice, hub=org).public_id
    if org.is_practice:
        return waiting_entry_at(org, patient=_consented_patient(org, by)).public_id
    return None


def _scope_organisation(world: World, persona: Persona, scope: str):
    if scope == OWN:
        return world.organisations.get(persona.home)
    return world.organisations[scope]


def _outcome(response, admin: bool) -> str:
    status = response.status_code
    if status in (200, 405) or (status == 302 and not _to_sign_in(response, admin)):
        return "ok"
    if status in (400, 409, 415, 422) and response["Content-Type"] == "application/json":
        return "ok"  # the API let them in, then refused the request for what it asked
    if status in (401, 403, 404) or status == 302:
        return "refused"
    raise AssertionError(f"unexpected status {status}")


def _to_sign_in(response, admin: bool) -> bool:
    location = response["Location"]
    return location.startswith(reverse("admin:login") if admin else reverse("login"))


# The patient area is not for staff: a staff session does not reach it (it has its own),
# which tests/online/test_middleware.py proves with the wall between the two.
URLS = [(name, chain) for name, chain in ALL_URLS if not name.startswith("online:")]


def test_every_url_has_a_row_in_the_matrix():
    missing = [name for name, _ in URLS if _row(name) is None]
    assert not missing, f"Add these URLs to MATRIX: {missing}"


@pytest.mark.parametrize(("name", "chain"), URLS, ids=[name for name, _ in URLS])
def test_authorisation_matrix(world, db, name, chain):
    row = _row(name)
    if row is None:
        pytest.fail(f"{name} has no row in MATRIX")
    uuid_params = [
        p
        for p, conv in _parameters(chain).items()
        if conv is not None and conv.__name__ == "UUIDConverter"
    ]
    scopes = SCOPES if uuid_params else (OWN,)
    admin = name.startswith("admin:")
    failures = []
    for persona in PERSONAS:
        for scope in scopes:
            organisation = _scope_organisation(world, persona, scope)
            values = {}
            if uuid_params:
                if organisation is None:
                    continue
                values = {p: BUILDERS[p](organisation, world.sharer) for p in uuid_params}
                if None in values.values():
                    continue  # e.g. a hub has no registered patients of its own
            url = _url_with(name, chain, values)
            expected = "ok" if scope in row.get(persona.role, frozenset()) else "refused"
            client = world.clients[persona.key]
            response = client.get(url)
            if response.status_code == 405 and name not in SIGN_OUT:
                response = client.post(url)  # a POST-only action: ask it to act
            if response.status_code == 405 and "PUT" in response.get("Allow", ""):
                response = client.put(url, "{}", content_type="application/json")
            actual = _outcome(response, admin)
            if actual != expected:
                failures.append(f"{persona.key} / {scope}: expected {expected}, got {actual}")
    assert not failures, f"{name}:\n" + "\n".join(failures)


def _url_with(name: str, chain: tuple, values: dict) -> str:
    from tests import test_url_coverage

    saved = dict(test_url_coverage.FOREIGN_OBJECTS)
    try:
        for param, value in values.items():
            test_url_coverage.FOREIGN_OBJECTS[param] = lambda _org, value=value: value
        return _url(name, chain, foreign=object() if values else None)
    finally:
        test_url_coverage.FOREIGN_OBJECTS.clear()
        test_url_coverage.FOREIGN_OBJECTS.update(saved)
