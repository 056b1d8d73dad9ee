"""GP Connect Appointment Management as the specification has a provider answer, run against
both hosts of the provider core: the sandbox and the hub's facade.

First a consumer's whole journey; then the error table of `development_fhir_error_handling_
guidance.md`, row by row, each row with the request of ours that meets it; then the rules of
the use-case pages one by one. Rows no Appointment Management request can meet are listed
at the end, with why.
"""

import json
from datetime import timedelta

import pytest

from gpconnect import codes
from gpconnect.rest import Interaction
from tests.gpconnect.provider.hosts import claims_for


def _entries(answer, resource_type: str) -> list[dict]:
    return [
        e["resource"]
        for e in answer.body.get("entry", [])
        if e["resource"]["resourceType"] == resource_type
    ]


# A consumer's journey ------------------------------------------------------------------


def test_a_consumer_searches_finds_the_patient_books_retrieves_reads_amends_and_cancels(host):
    slots, resources = host.free_slots()
    kinds = {reference.split("/")[0] for reference in resources}
    assert {"Slot", "Schedule", "Practitioner", "Location", "Organization"} <= kinds

    booked = host.book(host.appointment())
    assert booked.status == 201, booked.body
    assert booked.headers["ETag"] == 'W/"1"'
    assert booked.headers["Location"].endswith(f"/Appointment/{booked.body['id']}/_history/1")
    assert booked.headers["Cache-Control"] == "no-store"
    appointment = booked.body
    assert appointment["slot"][0]["reference"] == f"Slot/{slots[0]['id']}"

    today = host.now().date()
    retrieved = host.call(
        Interaction.RETRIEVE_APPOINTMENTS,
        "GET",
        f"/Patient/{appointment['participant'][0]['actor']['reference'].split('/')[1]}/Appointment",
        query=[("start", f"ge{today}"), ("start", f"le{today + timedelta(days=14)}")],
    )
    assert retrieved.status == 200
    assert [a["id"] for a in _entries(retrieved, "Appointment")] == [appointment["id"]]

    read = host.call(Interaction.READ_APPOINTMENT, "GET", f"/Appointment/{appointment['id']}")
    assert read.status == 200 and read.headers["ETag"] == 'W/"1"'

    amended = host.put(read.body | {"comment": "Bring the discharge letter"}, "1")
    assert amended.status == 200, amended.body
    assert amended.body["comment"] == "Bring the discharge letter"
    assert amended.headers["ETag"] == 'W/"2"'

    reason = {"url": codes.EXT_CANCELLATION_REASON, "valueString": "Patient feels better"}
    cancelled = host.put(
        amended.body | {"status": "cancelled", "extension": [*amended.body["extension"], reason]},
        "2",
        Interaction.CANCEL_APPOINTMENT,
    )
    assert cancelled.status == 200, cancelled.body
    assert cancelled.body["status"] == "cancelled"

    again = host.call(
        Interaction.RETRIEVE_APPOINTMENTS,
        "GET",
        f"/Patient/{appointment['participant'][0]['actor']['reference'].split('/')[1]}/Appointment",
        query=[("start", f"ge{today}"), ("start", f"le{today + timedelta(days=14)}")],
    )
    assert [a["status"] for a in _entries(again, "Appointment")] == ["cancelled"]
    assert slots[0]["id"] in [s["id"] for s in host.free_slots()[0]]


def test_metadata_is_a_capability_statement_of_what_is_served(host):
    answer = host.call(Interaction.READ_METADATA, "GET", "/metadata")

    assert answer.status == 200
    assert answer.body["resourceType"] == "CapabilityStatement"
    assert answer.body["fhirVersion"] == "3.0.1" and answer.body["version"] == "1.2.7"
    served = {r["type"]: r for r in answer.body["rest"][0]["resource"]}
    assert {"Slot", "Appointment", "Patient"} <= set(served)
    assert {"create", "read", "update", "search-type"} <= {
        i["code"] for i in served["Appointment"]["interaction"]
    }


# The error table, row by row -----------------------------------------------------------


def test_invalid_identifier_system_400(host):
    answer = host.call(
        Interaction.FIND_PATIENT, "GET", "/Patient", query=[("identifier", "urn:other|123")]
    )
    assert (answer.status, answer.code) == (400, "INVALID_IDENTIFIER_SYSTEM")


def test_invalid_identifier_value_400(host):
    answer = host.call(
        Interaction.FIND_PATIENT,
        "GET",
        "/Patient",
        query=[("identifier", f"{codes.SYSTEM_NHS_NUMBER}|")],
    )
    assert (answer.status, answer.code) == (400, "INVALID_IDENTIFIER_VALUE")


def test_invalid_nhs_number_400(host):
    answer = host.call(
        Interaction.FIND_PATIENT,
        "GET",
        "/Patient",
        query=[("identifier", f"{codes.SYSTEM_NHS_NUMBER}|1234567890")],
    )
    assert (answer.status, answer.code) == (400, "INVALID_NHS_NUMBER")


def test_patient_not_found_404(host):
    today = host.now().date()
    answer = host.call(
        Interaction.RETRIEVE_APPOINTMENTS,
        "GET",
        "/Patient/9d3c1f0e-0000-4000-8000-000000000000/Appointment",
        query=[("start", f"ge{today}"), ("start", f"le{today}")],
    )
    assert (answer.status, answer.code) == (404, "PATIENT_NOT_FOUND")


def test_no_record_found_404(host):
    answer = host.call(
        Interaction.READ_APPOINTMENT, "GET", "/Appointment/9d3c1f0e-0000-4000-8000-000000000000"
    )
    assert (answer.status, answer.code) == (404, "NO_RECORD_FOUND")


def test_duplicate_rejected_409_when_the_slot_is_no_longer_free(host):
    resource = host.appointment()
    assert host.book(resource).status == 201

    answer = host.book(resource)

    assert (answer.status, answer.code) == (409, "DUPLICATE_REJECTED")


def test_invalid_resource_422_for_an_element_the_profile_does_not_allow(host):
    answer = host.book(host.appointment() | {"reason": [{"text": "Chest pain"}]})
    assert (answer.status, answer.code) == (422, "INVALID_RESOURCE")


def test_invalid_parameter_422_for_a_window_over_14_days(host):
    answer = host.search(host.tomorrow(), host.tomorrow() + timedelta(days=15))
    assert (answer.status, answer.code) == (422, "INVALID_PARAMETER")


def test_reference_not_found_422_for_a_slot_that_does_not_exist(host):
    resource = host.appointment()
    resource["slot"] = [{"reference": "Slot/9d3c1f0e-0000-4000-8000-000000000000"}]

    answer = host.book(resource)

    assert (answer.status, answer.code) == (422, "REFERENCE_NOT_FOUND")


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda headers: headers.pop("Ssp-TraceID"), id="no Ssp-TraceID"),
        pytest.param(
            lambda headers: headers.update({"Ssp-InteractionID": "urn:other"}),
            id="Ssp-InteractionID not the request's",
        ),
        pytest.param(
            lambda headers: headers.update({"Authorization": "Bearer not-a-jwt"}),
            id="JWT malformed",
        ),
    ],
)
def test_bad_request_400_for_a_malformed_request(host, spoil):
    interaction = Interaction.READ_METADATA
    headers = {
        "Ssp-TraceID": "0f0b3d5a-trace",
        "Ssp-InteractionID": interaction.interaction_id,
        "Authorization": "Bearer "
        + host.token(claims_for(interaction, audience=host.audience(), now=host.now())),
        **host.spine_headers(),
    }
    spoil(headers)

    answer = host.send("GET", "/metadata", headers=headers)

    assert (answer.status, answer.code) == (400, "BAD_REQUEST")


def test_bad_request_400_for_a_jwt_claim_that_is_empty(host):
    claims = claims_for(Interaction.READ_METADATA, audience=host.audience(), now=host.now())
    answer = host.call(Interaction.READ_METADATA, "GET", "/metadata", claims=claims | {"aud": ""})
    assert (answer.status, answer.code) == (400, "BAD_REQUEST")


def test_bad_request_400_for_a_body_that_is_not_json(host):
    answer = host.call(
        Interaction.BOOK_APPOINTMENT, "POST", "/Appointment", body=b'{"resourceType": "Appo'
    )
    assert (answer.status, answer.code) == (400, "BAD_REQUEST")


def test_bad_request_405_for_a_method_the_resource_does_not_take(host):
    answer = host.call(Interaction.SEARCH_FREE_SLOTS, "DELETE", "/Slot")
    assert (answer.status, answer.code) == (405, "BAD_REQUEST")


def test_not_implemented_501_for_what_is_not_served(host):
    answer = host.call(Interaction.READ_METADATA, "GET", "/Organization")
    assert (answer.status, answer.code) == (501, "NOT_IMPLEMENTED")


def test_internal_server_error_500_with_diagnostics(host, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the diary is on fire")

    if host.name == "sandbox":
        from gpconnect.sandbox.backend import SandboxBackend as backend
    else:
        from gpconnect_facade.backend import HubBackend as backend
    monkeypatch.setattr(backend, "free_slots", fail)

    answer = host.search(host.tomorrow(), host.tomorrow())

    assert (answer.status, answer.code) == (500, "INTERNAL_SERVER_ERROR")
    assert answer.body["issue"][0]["diagnostics"]


# The use-case pages' rules -------------------------------------------------------------


def test_a_window_of_exactly_14_days_is_searched(host):
    answer = host.search(host.tomorrow(), host.tomorrow() + timedelta(days=14))
    assert answer.status == 200, answer.body


@pytest.mark.parametrize("missing", ["start", "end", "status"])
def test_a_search_without_start_end_or_status_is_a_bad_request(host, missing):
    query = [
        ("start", f"ge{host.tomorrow()}"),
        ("end", f"le{host.tomorrow()}"),
        ("status", "free"),
        ("_include", "Slot:schedule"),
    ]
    answer = host.call(
        Interaction.SEARCH_FREE_SLOTS,
        "GET",
        "/Slot",
        query=[pair for pair in query if pair[0] != missing],
    )
    assert (answer.status, answer.code) == (400, "BAD_REQUEST")


@pytest.mark.parametrize("time", ["T09:00:00", "T09:00:00Z", "T09:00"])
def test_a_search_time_without_its_uk_offset_is_an_invalid_parameter(host, time):
    answer = host.call(
        Interaction.SEARCH_FREE_SLOTS,
        "GET",
        "/Slot",
        query=[
            ("start", f"ge{host.tomorrow()}{time}"),
            ("end", f"le{host.tomorrow() + timedelta(days=1)}"),
            ("status", "free"),
            ("_include", "Slot:schedule"),
        ],
    )
    assert (answer.status, answer.code) == (422, "INVALID_PARAMETER")


def test_only_slots_wholly_inside_the_window_are_found(host):
    slots, _ = host.free_slots()
    first = slots[0]
    answer = host.call(
        Interaction.SEARCH_FREE_SLOTS,
        "GET",
        "/Slot",
        query=[
            ("start", f"ge{first['start']}"),
            ("end", f"le{first['end']}"),
            ("status", "free"),
            ("_include", "Slot:schedule"),
        ],
    )
    found = [s["id"] for s in _entries(answer, "Slot")]
    assert answer.status == 200 and first["id"] in found
    for slot in _entries(answer, "Slot"):
        assert slot["start"] >= first["start"] and slot["end"] <= first["end"]


def test_unknown_search_filters_are_ignored(host):
    answer = host.call(
        Interaction.SEARCH_FREE_SLOTS,
        "GET",
        "/Slot",
        query=[
            ("start", f"ge{host.tomorrow()}"),
            ("end", f"le{host.tomorrow() + timedelta(days=6)}"),
            ("status", "free"),
            ("_include", "Slot:schedule"),
            ("searchFilter", "https://example.org/disposition|Dx12"),
        ],
    )
    assert answer.status == 200 and _entries(answer, "Slot")


def test_prefer_return_minimal_gives_no_body_but_the_headers(host):
    answer = host.book(headers={"Prefer": "return=minimal"})

    assert answer.status == 201
    assert answer.body is None
    assert answer.headers["ETag"] == 'W/"1"' and "/Appointment/" in answer.headers["Location"]


@pytest.mark.parametrize(
    "element",
    [
        {"specialty": {"text": "Cardiology"}},
        {"minutesDuration": 15},
        {"participant": [{"actor": {"reference": "Patient/1"}, "period": {}}]},
        {"slot": [{"reference": "Slot/1", "extension": []}]},
    ],
    ids=["specialty", "minutesDuration", "participant.period", "slot.extension"],
)
def test_an_element_the_profile_does_not_allow_anywhere_is_refused(host, element):
    answer = host.book(host.appointment() | element)
    assert (answer.status, answer.code) == (422, "INVALID_RESOURCE")


def test_an_invalid_booking_of_a_taken_slot_is_invalid_not_a_duplicate(host):
    resource = host.appointment()
    assert host.book(resource).status == 201

    answer = host.book(resource | {"reason": [{"text": "Chest pain"}]})

    assert (answer.status, answer.code) == (422, "INVALID_RESOURCE")


@pytest.mark.parametrize(
    "change",
    [
        {"priority": 1},
        {"status": "noshow"},
        {"status": "arrived"},
        {"start": "2031-01-01T10:00:00+00:00"},
    ],
    ids=["priority", "status did not attend", "status arrived", "start"],
)
def test_an_amendment_changes_only_the_description_and_comment(host, change):
    booked = host.book_one()

    answer = host.put(booked | change, "1")

    assert (answer.status, answer.code) == (422, "INVALID_RESOURCE")


def _cancel(host, resource: dict, version: str, reason: str = "Not needed"):
    extension = [e for e in resource["extension"] if e["url"] != codes.EXT_CANCELLATION_REASON] + [
        {"url": codes.EXT_CANCELLATION_REASON, "valueString": reason}
    ]
    return host.put(
        resource | {"status": "cancelled", "extension": extension},
        version,
        Interaction.CANCEL_APPOINTMENT,
    )


def test_a_cancelled_appointment_cannot_be_amended_or_cancelled_again(host):
    booked = host.book_one()
    cancelled = _cancel(host, booked, "1")
    assert cancelled.status == 200, cancelled.body
    version = cancelled.headers["ETag"][3:-1]

    amended = host.put(cancelled.body | {"comment": "Too late"}, version)
    again = _cancel(host, cancelled.body, version, "Again")

    assert (amended.status, amended.code) == (422, "INVALID_RESOURCE")
    assert (again.status, again.code) == (422, "INVALID_RESOURCE")


def test_a_cancellation_with_an_empty_reason_is_an_invalid_parameter(host):
    booked = host.book_one()

    answer = _cancel(host, booked, "1", reason="")

    assert (answer.status, answer.code) == (422, "INVALID_PARAMETER")


def test_a_cancellation_that_changes_the_comment_is_invalid(host):
    booked = host.book_one()

    answer = _cancel(host, booked | {"comment": "Changed"}, "1")

    assert (answer.status, answer.code) == (422, "INVALID_RESOURCE")


def test_a_stale_if_match_is_a_conflict(host):
    booked = host.book_one()
    assert host.put(booked | {"comment": "First"}, "1").status == 200

    answer = host.put(booked | {"comment": "Second"}, "1")

    assert (answer.status, answer.code) == (409, "FHIR_CONSTRAINT_VIOLATION")


def test_an_update_without_if_match_is_a_bad_request(host):
    booked = host.book_one()
    answer = host.call(
        Interaction.AMEND_APPOINTMENT, "PUT", f"/Appointment/{booked['id']}", body=booked
    )
    assert (answer.status, answer.code) == (400, "BAD_REQUEST")


def test_retrieve_looks_at_future_days_only(host):
    yesterday = host.now().date() - timedelta(days=1)
    answer = host.call(
        Interaction.RETRIEVE_APPOINTMENTS,
        "GET",
        f"/Patient/{host.patient_id()}/Appointment",
        query=[("start", f"ge{yesterday}"), ("start", f"le{host.tomorrow()}")],
    )
    assert (answer.status, answer.code) == (422, "INVALID_PARAMETER")


def test_a_find_that_matches_no_one_is_an_empty_searchset(host):
    answer = host.call(
        Interaction.FIND_PATIENT,
        "GET",
        "/Patient",
        query=[("identifier", f"{codes.SYSTEM_NHS_NUMBER}|9000000009")],
    )
    assert answer.status == 200 and answer.body["type"] == "searchset"
    assert not answer.body.get("entry")


def test_every_answer_is_fhir_json_and_never_cached(host):
    answer = host.call(Interaction.READ_METADATA, "GET", "/metadata")
    assert answer.headers["Content-Type"].startswith("application/fhir+json")
    assert answer.headers["Cache-Control"] == "no-store"
    assert json.dumps(answer.body)


# Rows of the error table no Appointment Management request meets:
# - INVALID_PATIENT_DEMOGRAPHICS (a PDS trace failing): only registering a patient traces.
# - PRACTITIONER_NOT_FOUND: only "find a practitioner" (Foundations) looks one up.
# - NO_PATIENT_CONSENT, NO_ORGANISATION_CONSENT: the design decision "Patient dissent to
#   share" says they are not applied to Appointment Management.
# ORGANISATION_NOT_FOUND and ACCESS_DENIED are the hub facade's alone (the sandbox makes a
# practice of any ODS code and lets anyone in): tests/gpconnect_facade.
