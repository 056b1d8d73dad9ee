"""Fuzzing the API against its own OpenAPI schema with schemathesis, in-process.

Every operation is called with data the schema says is valid and data it says is not, as a
hub receptionist and as a practice manager, and must never answer 5xx, must answer only
documented statuses, bodies and headers, must reject what the schema rejects and accept
what it accepts. Unknown ids are mostly 404s, so each operation with ids in its path is also
called with ids of real things the persona may act on. A stateful run books, reads, cancels
and reads again. The figures are recorded for the summary (tests/api/conftest.py).
"""

import datetime
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.python.wsgi import get_client
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from booking.models import Booking
from config.wsgi import application
from patients.nhs_number import check_digit
from practices.models import ClinicalSystemLink
from tests.api.helpers import book, slots_of, token_client
from tests.factories import ClinicianFactory, SiteFactory
from tests.writeback.builders import write_back_problem_at

CREDENTIALS = {"Authorization", "sessionid"}  # the schema's security schemes, as parameters
EXAMPLES = 15  # per operation, persona and mode: the run stays within minutes on two cores

# Rules no JSON Schema can state (a pair of fields together, a cursor's signature, a name
# already taken): schema-valid data may be refused with a 400 naming these fields, and only
# these. A list's `cursor` is always one of them. An NHS number's check digit is its format,
# `nhs-number`, whose valid values are generated below.
UNSTATABLE = {
    "slots_search": {"end", "to_time", "practice", "site"},
    "bookings_list": {"end"},
    "patients_find": {"non_field_errors"},
    "sites_create": {"name", "postcode", "non_field_errors"},
    "sites_update": {"name", "postcode", "non_field_errors"},
    "sessions_publish": {
        "practitioner_role",
        "first_date",
        "slot_minutes",
        "site_id",
        "clinician_id",
        "non_field_errors",
        "__all__",
    },
    "sessions_rules": {"non_field_errors", "__all__"},
    "sessions_cancel": {"non_field_errors", "__all__"},
    "slots_block": {"non_field_errors"},
    "slots_unblock": {"non_field_errors"},
    # `version` must agree with an If-Match header, if one is sent.
    "bookings_cancel": {"version"},
    "bookings_status": {"version"},
    "bookings_rebook": {"version"},
    "bookings_amend": {"version", "non_field_errors"},
}


@st.composite
def nhs_numbers(draw) -> str:
    """Valid NHS numbers: nine digits and their Modulus 11 check digit."""
    first = draw(st.text("0123456789", min_size=9, max_size=9).filter(check_digit_exists))
    return first + str(check_digit(first))


def check_digit_exists(first_nine: str) -> bool:
    return check_digit(first_nine) is not None


schemathesis.openapi.format("nhs-number", nhs_numbers())


def accepts_valid_data(ctx, response, case) -> None:
    """Schema-valid data is accepted; a 400 may only name the rules the schema cannot state."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if response.status_code != 400:
        return
    fields = set(response.json()["error"]["details"].get("fields", {}))
    allowed = UNSTATABLE.get(case.operation.definition.raw.get("operationId"), set())
    if any(parameter.name == "cursor" for parameter in case.operation.query):
        allowed = allowed | {"cursor"}
    assert fields and fields <= allowed, (
        f"{case.operation.label} refused schema-valid data on {sorted(fields)}: "
        f"{response.json()['error']}"
    )


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    accepts_valid_data,
]


@contextmanager
def in_process():
    """Keep the test's database connection through calls to the WSGI application, as
    Django's test client does (and undoes after each of its own requests): each request
    would otherwise close it at its end."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(
    publish,
    hub_books_for_a,
    hub_receptionist,
    practice_manager_a,
    patient_a,
    practice_a,
):
    """Things to act on: practice A's sessions (released to the hub), a hub booking into
    one, a site, a clinician, a practice system problem and a link to a clinical system."""
    session = publish()[0]
    slots = slots_of(session)
    client = token_client(hub_receptionist)
    assert book(client, slots[0], patient_a).status_code == 201
    return {
        "session": session,
        "slots": slots,
        "site": SiteFactory(organisation=practice_a),
        "clinician": ClinicianFactory(organisation=practice_a),
        "problem": write_back_problem_at(practice_a),
        "link": ClinicalSystemLink.objects.create(practice=practice_a, base_url="http://a.test/"),
        "patient": patient_a,
    }


def _known_ids(world) -> dict:
    booking = Booking.objects.exclude(status=Booking.Status.CANCELLED).first()
    return {
        "booking_id": str(booking.public_id),
        "session_id": str(world["session"].public_id),
        "slot_id": str(world["slots"][-1].public_id),
        "site_id": str(world["site"].public_id),
        "clinician_id": str(world["clinician"].public_id),
        "problem_id": str(world["problem"].public_id),
        "patient_id": str(world["patient"].public_id),
    }


def _negatable(operation, *, fixed: set[str]) -> bool:
    """Whether anything the fuzzer generates for an operation could be made invalid (the
    credentials are sent as given: the test of missing or bad credentials covers them)."""
    fixed = fixed | CREDENTIALS
    free = [p for p in operation.iter_parameters() if p.name not in fixed]
    return bool(free) or bool(operation.body)


def load_schema(user):
    token, _ = Token.objects.get_or_create(user=user)
    auth = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=auth)
    return schema, auth


def fuzz(user, world, record_property) -> tuple[int, int]:
    """Every operation, valid and invalid data, random and real ids. Returns (operations,
    examples)."""
    with in_process():
        return _fuzz(user, world, record_property)


def _fuzz(user, world, record_property) -> tuple[int, int]:
    schema, auth = load_schema(user)
    acting = {"X-Acting-Organisation": user.memberships.get().organisation.ods_code}
    known = _known_ids(world)
    operations = [result.ok() for result in schema.get_all_operations()]
    calls: list[str] = []
    for operation in operations:
        path_names = {p.name for p in operation.path_parameters}
        ids = {name: known[name] for name in path_names}
        variants = [{}, ids] if ids else [{}]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for path_parameters in variants:
                if mode == GenerationMode.NEGATIVE and not _negatable(
                    operation, fixed={*acting, *path_parameters}
                ):
                    continue  # nothing left that could be made invalid
                strategy = operation.as_strategy(
                    generation_mode=mode, headers=acting, path_parameters=path_parameters or None
                )

                @given(case=strategy)
                @settings(
                    max_examples=EXAMPLES,
                    derandomize=True,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                def run(case) -> None:
                    calls.append(case.operation.label)
                    case.call_and_validate(headers=auth, checks=CHECKS)

                try:
                    run()
                except Exception as error:
                    error.add_note(f"{operation.label}, {mode}, ids {path_parameters or 'random'}")
                    raise
    examples = len(calls)
    record_property(
        "fuzz", {"persona": user.username, "operations": len(operations), "examples": examples}
    )
    return len(operations), examples


def test_fuzz_as_a_hub_receptionist(world, hub_receptionist, record_property):
    operations, examples = fuzz(hub_receptionist, world, record_property)
    assert operations >= 30 and examples > operations


def test_fuzz_as_a_practice_manager(world, practice_manager_a, record_property):
    operations, examples = fuzz(practice_manager_a, world, record_property)
    assert operations >= 30 and examples > operations


# Missing or bad credentials ----------------------------------------------------------------


def test_every_operation_refuses_missing_or_bad_credentials(world, hub_receptionist):
    """No operation answers anything but the documented refusal without a valid token."""
    with in_process():
        schema, _ = load_schema(hub_receptionist)
        client = get_client(application)
        known = _known_ids(world)
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:
            path = operation.path.format(
                **{p.name: known[p.name] for p in operation.path_parameters}
            )
            url = f"/api/v1{path}" if not path.startswith("/api/") else path
            for headers, code in (
                ({}, "not-authenticated"),
                ({"Authorization": "Token " + "0" * 40}, "authentication-failed"),
                ({"Authorization": "Bearer something"}, "not-authenticated"),
            ):
                response = client.open(url, method=operation.method.upper(), headers=headers)
                assert response.status_code in (401, 403), (operation.label, headers)
                assert response.json["error"]["code"] == code, (operation.label, response.json)
                operation.validate_response(response)
    assert len(operations) >= 30


# Stateful: book, read, cancel, read ----------------------------------------------------------


def test_a_cancelled_booking_never_shows_as_live(
    publish, hub_books_for_a, hub_receptionist, patient_a
):
    """Random runs of booking, reading, listing and cancelling through the API (checked
    against the schema at each step): once cancelled, a booking reads as cancelled, is not
    among the live bookings listed, and its slot can be booked again."""
    slots = slots_of(publish(start=datetime.time(17, 0), end=datetime.time(21, 0), minutes=5)[0])
    patients = [patient_a]
    token, _ = Token.objects.get_or_create(user=hub_receptionist)
    auth = {"Authorization": f"Token {token.key}"}
    steps: list[str] = []

    with in_process():
        schema, _ = load_schema(hub_receptionist)
        client = get_client(application)

        def call(label: str, url: str, body=None):
            method = label.split()[0]
            response = client.open(url, method=method, headers=auth, json=body)
            schema.find_operation_by_label(label).validate_response(response)
            steps.append(label)
            return response

        class Bookings(RuleBasedStateMachine):
            def __init__(self) -> None:
                super().__init__()
                self.live: dict[str, dict] = {}  # booking id: the booking as last read
                self.cancelled: set[str] = set()

            @rule(slot=st.sampled_from(slots), patient=st.sampled_from(patients))
            def book(self, slot, patient) -> None:
                body = {
                    "slot_id": str(slot.public_id),
                    "nhs_number": patient.nhs_number,
                    "description": "Review",
                }
                response = call("POST /api/v1/bookings/create/", "/api/v1/bookings/create/", body)
                taken = any(b["slot"]["id"] == str(slot.public_id) for b in self.live.values())
                if response.status_code == 201:
                    assert not taken, "a slot booked twice"
                    self.live[response.json["id"]] = response.json
                else:
                    assert response.status_code == 409, response.json

            @precondition(lambda self: self.live)
            @rule(data=st.data())
            def cancel(self, data) -> None:
                booking_id = data.draw(st.sampled_from(sorted(self.live)))
                response = call(
                    "POST /api/v1/bookings/{booking_id}/cancel/",
                    f"/api/v1/bookings/{booking_id}/cancel/",
                    {"reason": "Feels better", "version": self.live[booking_id]["version"]},
                )
                assert response.status_code == 200, response.json
                assert response.json["status"] == "cancelled"
                del self.live[booking_id]
                self.cancelled.add(booking_id)

            @precondition(lambda self: self.live or self.cancelled)
            @rule(data=st.data())
            def read(self, data) -> None:
                booking_id = data.draw(st.sampled_from(sorted({*self.live, *self.cancelled})))
                response = call(
                    "GET /api/v1/bookings/{booking_id}/", f"/api/v1/bookings/{booking_id}/"
                )
                assert response.status_code == 200
                expected = "cancelled" if booking_id in self.cancelled else "booked"
                assert response.json["status"] == expected

            @invariant()
            def cancelled_bookings_are_not_listed_live(self) -> None:
                response = call("GET /api/v1/bookings/", "/api/v1/bookings/?status=booked")
                listed = {b["id"] for b in response.json["results"]}
                assert not listed & self.cancelled
                assert set(self.live) <= listed

        run_state_machine_as_test(
            Bookings,
            settings=settings(
                max_examples=10,
                stateful_step_count=8,
                derandomize=True,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    assert {
        "POST /api/v1/bookings/{booking_id}/cancel/",
        "GET /api/v1/bookings/{booking_id}/",
    } <= set(steps)
