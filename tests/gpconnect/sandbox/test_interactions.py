"""Each GP Connect interaction over HTTP: search, book, find and register patients, retrieve,
read, amend and cancel."""

from datetime import date, timedelta

from gpconnect import codes
from gpconnect.resources.patient import Patient, registration_parameters
from gpconnect.rest import DateWindow, Interaction, appointment_search_params, slot_search_params
from gpconnect.times import london_date
from tests.gpconnect.sandbox.calls import (
    NHS_NUMBER,
    appointment_json,
    book,
    book_one,
    free_slots,
    put,
    register,
    search,
    spine_code,
    tomorrow,
)


def test_search_returns_free_slots_with_their_schedules_sites_clinicians_and_practice(sandbox):
    start = tomorrow(sandbox)
    answer = search(sandbox, start, start + timedelta(days=6))

    kinds = [entry["resource"]["resourceType"] for entry in answer.body["entry"]]
    assert answer.body["type"] == "searchset"
    assert {"Slot", "Schedule", "Practitioner", "Location", "Organization"} <= set(kinds)
    slot = answer.body["entry"][0]["resource"]
    assert slot["status"] == "free"
    assert slot["extension"][0]["url"] == codes.EXT_DELIVERY_CHANNEL
    schedule = next(e["resource"] for e in answer.body["entry"] if e["fullUrl"].startswith("Sch"))
    assert schedule["extension"][0]["url"] == codes.EXT_PRACTITIONER_ROLE


def test_search_over_14_days_is_allowed_and_15_is_an_invalid_parameter(sandbox):
    start = tomorrow(sandbox)

    assert search(sandbox, start, start + timedelta(days=14)).status == 200
    answer = search(sandbox, start, start + timedelta(days=15))
    assert answer.status == 422 and spine_code(answer) == "INVALID_PARAMETER"


def test_search_without_status_is_a_bad_request(sandbox):
    start = tomorrow(sandbox)
    query = [p for p in slot_search_params(DateWindow(start, start)) if p[0] != "status"]

    answer = sandbox.gpconnect(Interaction.SEARCH_FREE_SLOTS, "GET", "/Slot", query=query)

    assert answer.status == 400 and spine_code(answer) == "BAD_REQUEST"


def test_book_answers_201_with_version_etag_and_location(sandbox):
    slot = free_slots(sandbox)[0]
    answer = book(sandbox, slot, register(sandbox))

    assert answer.status == 201
    assert answer.headers["ETag"] == 'W/"1"'
    assert answer.headers["Location"].endswith(f"/Appointment/{answer.body['id']}/_history/1")
    assert answer.body["meta"]["versionId"] == "1"
    urls = {extension["url"] for extension in answer.body["extension"]}
    assert {codes.EXT_BOOKING_ORGANISATION, codes.EXT_PRACTITIONER_ROLE} <= urls
    assert answer.body["identifier"] == [
        {"system": codes.SYSTEM_BOOKING_REFERENCE, "value": "ref-1"}
    ]
    assert slot["id"] not in [s["id"] for s in free_slots(sandbox)]


def test_book_refuses_a_reason(sandbox):
    slot = free_slots(sandbox)[0]
    body = appointment_json(slot, register(sandbox)) | {"reason": [{"text": "chest pain"}]}

    answer = sandbox.gpconnect(Interaction.BOOK_APPOINTMENT, "POST", "/Appointment", body=body)

    assert answer.status == 422 and "reason" in answer.body["issue"][0]["diagnostics"]


def test_book_two_adjacent_slots_as_one_appointment(sandbox):
    slots = free_slots(sandbox)
    first = slots[0]
    second = next(
        s for s in slots if s["start"] == first["end"] and s["schedule"] == first["schedule"]
    )
    body = appointment_json(first, register(sandbox)) | {
        "end": second["end"],
        "slot": [{"reference": f"Slot/{first['id']}"}, {"reference": f"Slot/{second['id']}"}],
    }

    answer = sandbox.gpconnect(Interaction.BOOK_APPOINTMENT, "POST", "/Appointment", body=body)

    assert answer.status == 201
    assert sandbox.ledger()[0]["slot_ids"] == [first["id"], second["id"]]


def test_find_patient_finds_registered_patients_only(sandbox):
    patient_id = register(sandbox)

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
    assert invalid.status == 400 and spine_code(invalid) == "INVALID_NHS_NUMBER"


def test_registering_a_registered_patient_is_duplicate_rejected(sandbox):
    register(sandbox)

    again = sandbox.gpconnect(
        Interaction.REGISTER_PATIENT,
        "POST",
        "/Patient/$gpc.registerpatient",
        body=registration_parameters(Patient(NHS_NUMBER, "Brown", birth_date=date(1980, 5, 1))),
    )

    assert again.status == 409 and spine_code(again) == "DUPLICATE_REJECTED"


def test_retrieve_lists_the_patients_appointments_from_today(sandbox):
    booked = book_one(sandbox)
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
    assert past.status == 422 and spine_code(past) == "INVALID_PARAMETER"


def test_read_unknown_appointment_is_no_record_found(sandbox):
    answer = sandbox.gpconnect(Interaction.READ_APPOINTMENT, "GET", "/Appointment/404")

    assert answer.status == 404 and spine_code(answer) == "NO_RECORD_FOUND"


def test_amend_changes_description_and_comment_and_the_version(sandbox):
    booked = book_one(sandbox)

    answer = put(sandbox, booked | {"description": "New", "comment": "Bring letter"}, "1")

    assert answer.status == 200 and answer.headers["ETag"] == 'W/"2"'
    assert sandbox.ledger()[0]["description"] == "New"
    assert sandbox.ledger()[0]["comment"] == "Bring letter"


def test_update_without_if_match_is_a_bad_request(sandbox):
    booked = book_one(sandbox)

    answer = sandbox.gpconnect(
        Interaction.AMEND_APPOINTMENT, "PUT", f"/Appointment/{booked['id']}", body=booked
    )

    assert answer.status == 400 and "If-Match" in answer.body["issue"][0]["diagnostics"]


def test_cancel_frees_the_slot(sandbox):
    booked = book_one(sandbox)
    slot_id = booked["slot"][0]["reference"].split("/")[1]
    cancelled = booked | {
        "status": "cancelled",
        "extension": [
            *booked["extension"],
            {"url": codes.EXT_CANCELLATION_REASON, "valueString": "Unwell"},
        ],
    }

    answer = put(sandbox, cancelled, "1", Interaction.CANCEL_APPOINTMENT)

    assert answer.status == 200 and answer.body["status"] == "cancelled"
    assert sandbox.ledger()[0]["cancellation_reason"] == "Unwell"
    assert slot_id in [slot["id"] for slot in free_slots(sandbox)]
