"""The GP Connect sandbox over HTTP: GP Connect's rules, its faults, its ledger and pages.

The write-back client's own tests (tests/practices/test_gpconnect_client.py) drive the
sandbox through the real client; these speak raw HTTP to pin down what the sandbox does."""

import http.client
import threading
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from gpconnect import codes
from gpconnect.jwt import encode_unsigned
from gpconnect.resources import Appointment, Organization, Patient, registration_parameters
from gpconnect.rest import DateWindow, Interaction, appointment_search_params, slot_search_params
from gpconnect.sandbox.store import SandboxStore, SeedPlan
from gpconnect.times import london_date
from tests.gpconnect.harness import PRACTICE, good_claims, running_sandbox

NHS_NUMBER = "9990000018"


@pytest.fixture
def sandbox():
    with running_sandbox() as running:
        yield running


def _spine_code(answer) -> str:
    return answer.body["issue"][0]["details"]["coding"][0]["code"]


def _tomorrow(sandbox) -> date:
    return london_date(sandbox.clock()) + timedelta(days=1)


def _search(sandbox, start: date, end: date, **kwargs):
    return sandbox.gpconnect(
        Interaction.SEARCH_FREE_SLOTS,
        "GET",
        "/Slot",
        query=slot_search_params(DateWindow(start, end), booking_ods="U30003"),
        **kwargs,
    )


def _free_slots(sandbox, days: int = 7) -> list[dict]:
    start = _tomorrow(sandbox)
    answer = _search(sandbox, start, start + timedelta(days=days - 1))
    assert answer.status == 200, answer.body
    return [e["resource"] for e in answer.body["entry"] if e["resource"]["resourceType"] == "Slot"]


def _register(sandbox, nhs_number: str = NHS_NUMBER) -> str:
    patient = Patient(nhs_number, "Brown", ("Bea",), birth_date=date(1980, 5, 1))
    answer = sandbox.gpconnect(
        Interaction.REGISTER_PATIENT,
        "POST",
        "/Patient/$gpc.registerpatient",
        body=registration_parameters(patient),
    )
    assert answer.status == 200, answer.body
    return answer.body["entry"][0]["resource"]["id"]


def _appointment(slot: dict, patient: str, **changes) -> dict:
    appointment = Appointment(
        status="booked",
        start=datetime.fromisoformat(slot["start"]),
        end=datetime.fromisoformat(slot["end"]),
        slot_ids=(slot["id"],),
        patient_id=patient,
        location_id=f"{PRACTICE}-L1",
        created=datetime.now(UTC),
        booking_organization=Organization(ods_code="U30003", name="Aire Valley Hub", phone="0"),
        description="Extended access",
        identifiers=((codes.SYSTEM_BOOKING_REFERENCE, "ref-1"),),
    )
    return appointment.changed(**changes).to_fhir()


def _book(sandbox, slot: dict, patient: str, *, timeout: float = 5, **changes):
    return sandbox.gpconnect(
        Interaction.BOOK_APPOINTMENT,
        "POST",
        "/Appointment",
        body=_appointment(slot, patient, **changes),
        timeout=timeout,
    )


def _booked(sandbox) -> dict:
    slot = _free_slots(sandbox)[0]
    answer = _book(sandbox, slot, _register(sandbox))
    assert answer.status == 201, answer.body
    return answer.body


def _put(sandbox, resource: dict, version: str, interaction=Interaction.AMEND_APPOINTMENT):
    return sandbox.gpconnect(
        interaction,
        "PUT",
        f"/Appointment/{resource['id']}",
        body=resource,
        headers={"If-Match": f'W/"{version}"'},
    )


# Headers and the JWT --------------------------------------------------------------------


def test_every_answer_says_no_store(sandbox):
    good = _search(sandbox, _tomorrow(sandbox), _tomorrow(sandbox))
    bad = sandbox.call("GET", f"/{PRACTICE}/STU3/1/gpconnect/Slot")

    assert good.status == 200 and bad.status == 400
    assert good.headers["Cache-Control"] == bad.headers["Cache-Control"] == "no-store"
    assert good.headers["Content-Type"] == "application/fhir+json;charset=utf-8"


def test_request_without_a_jwt_is_a_bad_request(sandbox):
    answer = _search(sandbox, _tomorrow(sandbox), _tomorrow(sandbox), headers={"Authorization": ""})

    assert answer.status == 400
    assert _spine_code(answer) == "BAD_REQUEST"
    assert "Authorization" in answer.body["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    ("change", "diagnostic"),
    [
        ({"exp": 0, "iat": -300}, "expired"),
        ({"reason_for_request": "secondaryuses"}, "directcare"),
        ({"requested_scope": "patient/*.read"}, "organization/*.read"),
        ({"requesting_organization": {"resourceType": "Organization"}}, "ODS code"),
        ({"requesting_practitioner": {"resourceType": "Practitioner", "id": "x"}}, "sub"),
    ],
)
def test_a_bad_claim_is_refused_with_an_operation_outcome(sandbox, change, diagnostic):
    claims = good_claims(Interaction.SEARCH_FREE_SLOTS, now=sandbox.clock()) | change

    answer = _search(sandbox, _tomorrow(sandbox), _tomorrow(sandbox), claims=claims)

    assert answer.status == 400
    assert diagnostic in answer.body["issue"][0]["diagnostics"]


def test_interaction_id_must_match_the_request(sandbox):
    answer = _search(
        sandbox,
        _tomorrow(sandbox),
        _tomorrow(sandbox),
        headers={"Ssp-InteractionID": Interaction.BOOK_APPOINTMENT.interaction_id},
    )

    assert answer.status == 400 and "Ssp-InteractionID" in answer.body["issue"][0]["diagnostics"]


def test_request_log_keeps_the_jwt_claims_for_audit(sandbox):
    _search(sandbox, _tomorrow(sandbox), _tomorrow(sandbox))

    logged = sandbox.requests("search_free_slots")[-1]
    assert logged["status"] == 200
    assert logged["claims"]["requesting_organization"]["name"] == "Aire Valley Hub"
    assert logged["claims"]["sub"] == "user-42"


# Search for free slots ------------------------------------------------------------------


def test_search_returns_free_slots_with_their_schedules_sites_clinicians_and_practice(sandbox):
    start = _tomorrow(sandbox)
    answer = _search(sandbox, start, start + timedelta(days=6))

    kinds = [entry["resource"]["resourceType"] for entry in answer.body["entry"]]
    assert answer.body["type"] == "searchset"
    assert {"Slot", "Schedule", "Practitioner", "Location", "Organization"} <= set(kinds)
    slot = answer.body["entry"][0]["resource"]
    assert slot["status"] == "free"
    assert slot["extension"][0]["url"] == codes.EXT_DELIVERY_CHANNEL
    schedule = next(e["resource"] for e in answer.body["entry"] if e["fullUrl"].startswith("Sch"))
    assert schedule["extension"][0]["url"] == codes.EXT_PRACTITIONER_ROLE


def test_seeded_sessions_are_weekday_evenings_and_saturday_mornings(sandbox):
    start = _tomorrow(sandbox)
    slots = _free_slots(sandbox, days=14)

    local = [datetime.fromisoformat(slot["start"]) for slot in slots]
    assert {t.weekday() for t in local} == {0, 1, 2, 3, 4, 5}
    assert all(
        (t.weekday() < 5 and t.hour >= 18) or (t.weekday() == 5 and 9 <= t.hour < 12) for t in local
    )
    assert min(t.date() for t in local) >= start


def test_seeding_is_configurable():
    with running_sandbox(plan=SeedPlan(weeks=1, slot_minutes=30)) as small:
        slots = _free_slots(small, days=14)

    starts = sorted(datetime.fromisoformat(slot["start"]) for slot in slots)
    assert starts[-1].date() < date.today() + timedelta(days=8)
    assert all(t.minute in (0, 30) for t in starts)


def test_search_over_more_than_14_days_is_an_invalid_parameter(sandbox):
    start = _tomorrow(sandbox)
    answer = _search(sandbox, start, start + timedelta(days=14))

    assert answer.status == 422 and _spine_code(answer) == "INVALID_PARAMETER"


def test_search_without_status_free_is_an_invalid_parameter(sandbox):
    start = _tomorrow(sandbox)
    query = [p for p in slot_search_params(DateWindow(start, start)) if p[0] != "status"]

    answer = sandbox.gpconnect(Interaction.SEARCH_FREE_SLOTS, "GET", "/Slot", query=query)

    assert answer.status == 422 and _spine_code(answer) == "INVALID_PARAMETER"


# Book ------------------------------------------------------------------------------------


def test_book_answers_201_with_version_etag_and_location(sandbox):
    slot = _free_slots(sandbox)[0]
    answer = _book(sandbox, slot, _register(sandbox))

    assert answer.status == 201
    assert answer.headers["ETag"] == 'W/"1"'
    assert answer.headers["Location"].endswith(f"/Appointment/{answer.body['id']}/_history/1")
    assert answer.body["meta"]["versionId"] == "1"
    urls = {extension["url"] for extension in answer.body["extension"]}
    assert {codes.EXT_BOOKING_ORGANISATION, codes.EXT_PRACTITIONER_ROLE} <= urls
    assert answer.body["identifier"] == [
        {"system": codes.SYSTEM_BOOKING_REFERENCE, "value": "ref-1"}
    ]
    assert slot["id"] not in [s["id"] for s in _free_slots(sandbox)]


def test_booking_a_taken_slot_is_duplicate_rejected(sandbox):
    slot = _free_slots(sandbox)[0]
    _book(sandbox, slot, _register(sandbox))

    again = _book(sandbox, slot, _register(sandbox, "9990000034"))

    assert again.status == 409 and _spine_code(again) == "DUPLICATE_REJECTED"
    assert len(sandbox.ledger()) == 1


def test_concurrent_bookings_of_one_slot_give_exactly_one_appointment(sandbox):
    slot = _free_slots(sandbox)[0]
    patients = [_register(sandbox, n) for n in ("9990000034", "9990000042", "9990000050")]
    answers = []

    def book(patient_id):
        answers.append(_book(sandbox, slot, patient_id).status)

    threads = [threading.Thread(target=book, args=(p,)) for p in patients * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [201] + [409] * 8
    assert len(sandbox.ledger()) == 1


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": "pending"}, "INVALID_RESOURCE"),
        ({"description": ""}, "INVALID_RESOURCE"),
        ({"description": "x" * 101}, "INVALID_RESOURCE"),
        ({"created": None}, "INVALID_RESOURCE"),
        ({"booking_organization": None}, "INVALID_RESOURCE"),
        ({"location_id": "elsewhere"}, "INVALID_RESOURCE"),
        ({"patient_id": "999"}, "REFERENCE_NOT_FOUND"),
        ({"slot_ids": ("no-such-slot",)}, "REFERENCE_NOT_FOUND"),
    ],
)
def test_book_refuses_what_gp_connect_refuses(sandbox, changes, code):
    slot = _free_slots(sandbox)[0]

    answer = _book(sandbox, slot, _register(sandbox), **changes)

    assert answer.status == 422 and _spine_code(answer) == code
    assert sandbox.ledger() == []


def test_book_refuses_a_reason(sandbox):
    slot = _free_slots(sandbox)[0]
    body = _appointment(slot, _register(sandbox)) | {"reason": [{"text": "chest pain"}]}

    answer = sandbox.gpconnect(Interaction.BOOK_APPOINTMENT, "POST", "/Appointment", body=body)

    assert answer.status == 422 and "reason" in answer.body["issue"][0]["diagnostics"]


def test_book_refuses_a_slot_in_the_past(sandbox):
    slot = _free_slots(sandbox)[0]
    patient_id = _register(sandbox)
    sandbox.clock.offset = timedelta(days=30)

    answer = _book(sandbox, slot, patient_id)

    assert answer.status == 422 and "future" in answer.body["issue"][0]["diagnostics"]


def test_book_two_adjacent_slots_as_one_appointment(sandbox):
    slots = _free_slots(sandbox)
    first = slots[0]
    second = next(
        s for s in slots if s["start"] == first["end"] and s["schedule"] == first["schedule"]
    )
    body = _appointment(first, _register(sandbox)) | {
        "end": second["end"],
        "slot": [{"reference": f"Slot/{first['id']}"}, {"reference": f"Slot/{second['id']}"}],
    }

    answer = sandbox.gpconnect(Interaction.BOOK_APPOINTMENT, "POST", "/Appointment", body=body)

    assert answer.status == 201
    assert sandbox.ledger()[0]["slot_ids"] == [first["id"], second["id"]]


# Patients --------------------------------------------------------------------------------


def test_find_patient_finds_registered_patients_only(sandbox):
    patient_id = _register(sandbox)

    def find(nhs_number):
        return sandbox.gpconnect(
            Interaction.FIND_PATIENT,
            "GET",
            "/Patient",
            query=[("identifier", f"{codes.SYSTEM_NHS_NUMBER}|{nhs_number}")],
        )

    assert find(NHS_NUMBER).body["entry"][0]["resource"]["id"] == patient_id
    assert find("9990000034").body["entry"] == []
    invalid = find("9990000019")
    assert invalid.status == 400 and _spine_code(invalid) == "INVALID_NHS_NUMBER"


def test_registering_a_registered_patient_is_duplicate_rejected(sandbox):
    _register(sandbox)

    again = sandbox.gpconnect(
        Interaction.REGISTER_PATIENT,
        "POST",
        "/Patient/$gpc.registerpatient",
        body=registration_parameters(Patient(NHS_NUMBER, "Brown", birth_date=date(1980, 5, 1))),
    )

    assert again.status == 409 and _spine_code(again) == "DUPLICATE_REJECTED"


# Retrieve, read, amend, cancel -----------------------------------------------------------


def test_retrieve_lists_the_patients_appointments_from_today(sandbox):
    booked = _booked(sandbox)
    patient_id = booked["participant"][0]["actor"]["reference"].split("/")[1]
    today = london_date(sandbox.clock())

    answer = sandbox.gpconnect(
        Interaction.RETRIEVE_APPOINTMENTS,
        "GET",
        f"/Patient/{patient_id}/Appointment",
        query=appointment_search_params(DateWindow(today, today + timedelta(days=30))),
    )
    past = sandbox.gpconnect(
        Interaction.RETRIEVE_APPOINTMENTS,
        "GET",
        f"/Patient/{patient_id}/Appointment",
        query=appointment_search_params(DateWindow(today - timedelta(days=1), today)),
    )

    assert [e["resource"]["id"] for e in answer.body["entry"]] == [booked["id"]]
    assert past.status == 422 and _spine_code(past) == "INVALID_PARAMETER"


def test_read_unknown_appointment_is_no_record_found(sandbox):
    answer = sandbox.gpconnect(Interaction.READ_APPOINTMENT, "GET", "/Appointment/404")

    assert answer.status == 404 and _spine_code(answer) == "NO_RECORD_FOUND"


def test_amend_changes_description_and_comment_and_the_version(sandbox):
    booked = _booked(sandbox)

    answer = _put(sandbox, booked | {"description": "New", "comment": "Bring letter"}, "1")

    assert answer.status == 200 and answer.headers["ETag"] == 'W/"2"'
    assert sandbox.ledger()[0]["description"] == "New"
    assert sandbox.ledger()[0]["comment"] == "Bring letter"


def test_a_stale_if_match_is_a_409_fhir_constraint_violation(sandbox):
    booked = _booked(sandbox)
    _put(sandbox, booked | {"description": "First"}, "1")

    stale = _put(sandbox, booked | {"description": "Second"}, "1")

    assert stale.status == 409 and _spine_code(stale) == "FHIR_CONSTRAINT_VIOLATION"
    assert sandbox.ledger()[0]["description"] == "First"


def test_update_without_if_match_is_a_bad_request(sandbox):
    booked = _booked(sandbox)

    answer = sandbox.gpconnect(
        Interaction.AMEND_APPOINTMENT, "PUT", f"/Appointment/{booked['id']}", body=booked
    )

    assert answer.status == 400 and "If-Match" in answer.body["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    ("change", "interaction"),
    [
        ({"start": "2030-01-01T18:30:00+00:00"}, Interaction.AMEND_APPOINTMENT),
        ({"slot": [{"reference": "Slot/other"}]}, Interaction.AMEND_APPOINTMENT),
        ({"status": "cancelled"}, Interaction.AMEND_APPOINTMENT),
        ({"status": "cancelled"}, Interaction.CANCEL_APPOINTMENT),  # no reason
    ],
)
def test_updates_may_change_only_what_gp_connect_allows(sandbox, change, interaction):
    booked = _booked(sandbox)

    answer = _put(sandbox, booked | change, "1", interaction)

    assert answer.status == 422 and _spine_code(answer) == "INVALID_RESOURCE"
    assert sandbox.ledger()[0]["version"] == "1"


def test_cancel_frees_the_slot(sandbox):
    booked = _booked(sandbox)
    slot_id = booked["slot"][0]["reference"].split("/")[1]
    cancelled = booked | {
        "status": "cancelled",
        "extension": [
            *booked["extension"],
            {"url": codes.EXT_CANCELLATION_REASON, "valueString": "Unwell"},
        ],
    }

    answer = _put(sandbox, cancelled, "1", Interaction.CANCEL_APPOINTMENT)

    assert answer.status == 200 and answer.body["status"] == "cancelled"
    assert sandbox.ledger()[0]["cancellation_reason"] == "Unwell"
    assert slot_id in [slot["id"] for slot in _free_slots(sandbox)]


def test_appointments_in_the_past_cannot_be_changed(sandbox):
    booked = _booked(sandbox)
    sandbox.clock.offset = timedelta(days=30)
    claims = good_claims(Interaction.AMEND_APPOINTMENT, now=sandbox.clock())

    answer = sandbox.gpconnect(
        Interaction.AMEND_APPOINTMENT,
        "PUT",
        f"/Appointment/{booked['id']}",
        body=booked | {"description": "Late"},
        headers={"If-Match": 'W/"1"', "Authorization": f"Bearer {encode_unsigned(claims)}"},
    )

    assert answer.status == 422 and "past" in answer.body["issue"][0]["diagnostics"]


# Faults ----------------------------------------------------------------------------------


def _raw_search(sandbox, timeout: float = 5):
    return _search(sandbox, _tomorrow(sandbox), _tomorrow(sandbox), timeout=timeout)


@pytest.mark.parametrize("status", [500, 503])
def test_error_fault_answers_5xx_and_does_nothing(sandbox, status):
    slot = _free_slots(sandbox)[0]
    patient_id = _register(sandbox)
    sandbox.control(next=[{"fault": "error", "status": status, "interaction": "book_appointment"}])

    answer = _book(sandbox, slot, patient_id)

    assert answer.status == status
    assert answer.body["resourceType"] == "OperationOutcome"
    assert sandbox.ledger() == []
    assert _book(sandbox, slot, patient_id).status == 201  # one-shot: used up


def test_drop_fault_closes_the_connection_without_an_answer(sandbox):
    sandbox.control(next=[{"fault": "drop"}])

    with pytest.raises(http.client.RemoteDisconnected):
        _raw_search(sandbox)
    assert sandbox.requests()[-1]["fault"] == "drop"


def test_commit_then_drop_keeps_the_booking_but_sends_no_answer(sandbox):
    slot = _free_slots(sandbox)[0]
    patient_id = _register(sandbox)
    sandbox.control(next=[{"fault": "commit_then_drop", "interaction": "book_appointment"}])

    with pytest.raises(http.client.RemoteDisconnected):
        _book(sandbox, slot, patient_id)

    assert [entry["reference"] for entry in sandbox.ledger()] == ["ref-1"]


@pytest.mark.parametrize(("commits", "booked"), [(False, 0), (True, 1)])
def test_timeout_fault_hangs_past_the_read_timeout(sandbox, commits, booked):
    slot = _free_slots(sandbox)[0]
    patient_id = _register(sandbox)
    sandbox.control(
        next=[{"fault": "timeout", "hang_ms": 1500, "commits": commits}],
    )

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        _book(sandbox, slot, patient_id, timeout=0.3)

    assert time.monotonic() - started < 1.2
    assert len(sandbox.ledger()) == booked


def test_latency_is_added_to_every_gp_connect_request(sandbox):
    sandbox.control(latency_ms=200)

    started = time.monotonic()
    _raw_search(sandbox)
    sandbox.call("GET", "/_health")

    assert time.monotonic() - started >= 0.2
    assert sandbox.call("GET", "/_control").body["latency_ms"] == 200


def test_error_rate_applies_to_the_named_interactions_only(sandbox):
    sandbox.control(error_rate=1.0, error_statuses=[503], interactions=["book_appointment"])
    slot = _free_slots(sandbox)[0]

    assert _book(sandbox, slot, _register(sandbox)).status == 503


def test_fault_rates_are_drawn_repeatably_from_the_seed(sandbox):
    def statuses():
        sandbox.control(error_rate=0.5, seed=7)
        return [_raw_search(sandbox).status for _ in range(12)]

    first = statuses()
    assert first == statuses()
    assert set(first) <= {200, 500, 503} and 200 in first and len(set(first)) > 1


def test_the_practice_fills_a_slot_on_the_next_book(sandbox):
    slot = _free_slots(sandbox)[0]
    patient_id = _register(sandbox)
    sandbox.control(fill_on_next_book=[slot["id"]])

    answer = _book(sandbox, slot, patient_id)

    assert answer.status == 409 and _spine_code(answer) == "DUPLICATE_REJECTED"
    (entry,) = sandbox.ledger()
    assert entry["booked_via"] == "practice" and entry["slot_ids"] == [slot["id"]]
    assert sandbox.control()["fill_on_next_book"] == []


def test_the_practice_edits_an_appointment_right_after_it_is_read(sandbox):
    booked = _booked(sandbox)
    sandbox.control(practice_edits_after_read={booked["id"]: 1})

    read = sandbox.gpconnect(Interaction.READ_APPOINTMENT, "GET", f"/Appointment/{booked['id']}")

    assert read.headers["ETag"] == 'W/"1"'
    assert sandbox.ledger()[0]["version"] == "2"
    assert _put(sandbox, read.body | {"description": "x"}, "1").status == 409


@pytest.mark.parametrize(
    "body",
    [
        {"error_rate": 2},
        {"error_rate": 0.6, "drop_rate": 0.6},
        {"no_such_control": 1},
        {"next": [{"fault": "explode"}]},
        {"interactions": ["teleport"]},
        {"error_statuses": [404]},
    ],
)
def test_bad_controls_are_refused_and_change_nothing(sandbox, body):
    before = sandbox.call("GET", "/_control").body

    answer = sandbox.call("POST", "/_control", body=body)

    assert answer.status == 400 and answer.body["error"]
    assert sandbox.call("GET", "/_control").body == before


def test_reset_empties_the_books_and_clears_the_faults(sandbox):
    _booked(sandbox)
    sandbox.control(latency_ms=10, next=[{"fault": "drop"}])

    assert sandbox.call("POST", "/_reset").status == 200

    assert sandbox.ledger() == []
    assert sandbox.control()["latency_ms"] == 0 and sandbox.control()["next"] == []
    assert sandbox.requests() == []


# Ledger and pages ------------------------------------------------------------------------


def test_ledger_shows_who_booked_for_whom(sandbox):
    _booked(sandbox)

    (entry,) = sandbox.ledger(PRACTICE)
    assert entry["patient"] == {"id": "1", "nhs_number": NHS_NUMBER, "name": "Bea Brown"}
    assert entry["booking_organisation"]["ods_code"] == "U30003"
    assert entry["booked_by"] == {
        "organisation_ods": "U30003",
        "organisation_name": "Aire Valley Hub",
        "practitioner_id": "user-42",
        "practitioner_name": "Ada Lovelace",
    }
    assert sandbox.ledger("B20002") == []


def test_appointment_book_page_shows_a_booking_arriving(sandbox):
    sandbox.call(
        "POST", "/_practices", body={"practices": [{"ods": PRACTICE, "name": "Riverside"}]}
    )
    empty = sandbox.call("GET", f"/{PRACTICE}").body

    _booked(sandbox)
    page = sandbox.call("GET", f"/{PRACTICE}").body

    assert "No appointments from today on" in empty
    assert "Riverside (A10001): appointment book" in page
    assert "Bea Brown (9990000018)" in page and "ref-1" in page
    assert 'http-equiv="refresh"' in page
    assert f'href="/{PRACTICE}"' in sandbox.call("GET", "/").body


def test_page_escapes_what_consumers_send(sandbox):
    slot = _free_slots(sandbox)[0]
    _book(sandbox, slot, _register(sandbox), description="<script>alert(1)</script>")

    page = sandbox.call("GET", f"/{PRACTICE}").body

    assert "<script>" not in page and "&lt;script&gt;" in page


# State shared by several sandbox processes ----------------------------------------------


def test_two_sandboxes_on_one_file_share_the_books_and_never_double_book(tmp_path):
    path = str(tmp_path / "sandbox.sqlite3")
    first_store, second_store = SandboxStore(path), SandboxStore(path)
    try:
        with (
            running_sandbox(store=first_store) as first,
            running_sandbox(store=second_store) as second,
        ):
            slot = _free_slots(first)[0]
            patient_id = _register(first)
            statuses = []
            threads = [
                threading.Thread(
                    target=lambda s=s: statuses.append(_book(s, slot, patient_id).status)
                )
                for s in (first, second) * 3
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

            assert sorted(statuses) == [201, 409, 409, 409, 409, 409]
            assert len(second.ledger()) == 1
    finally:
        first_store.close()
        second_store.close()


def test_server_url_is_a_localhost_port(sandbox):
    assert urlsplit(sandbox.url).hostname == "127.0.0.1"
