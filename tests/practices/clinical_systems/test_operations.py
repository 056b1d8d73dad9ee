"""GPConnectClient against the GP Connect sandbox: each interaction, the If-Match dance,
14-day windows and the JWT's requester."""

from datetime import UTC, date, datetime, timedelta

import pytest

from gpconnect import codes
from gpconnect.times import london_date
from practices.clinical_systems.base import (
    NotFound,
    Rejected,
    SlotConflict,
    VersionConflict,
)
from practices.clinical_systems.gpconnect.operations import GPConnectClient
from tests.gpconnect.sandbox.harness import PRACTICE
from tests.practices.clinical_systems.builders import (
    HUB_RECEPTIONIST,
    NHS_NUMBER,
    appointment_request,
    book,
    free_slots,
    today,
)


def test_search_returns_the_practices_free_slots_in_plain_data(client, sandbox):
    slots = free_slots(client, sandbox)

    first = slots[0]
    assert first.external_id.startswith(f"{PRACTICE}-")
    assert first.start.tzinfo is not None and first.end > first.start
    assert first.practitioner_role in {"R0260", "R0600"}
    assert first.delivery_channel in {"In-person", "Telephone"}
    assert first.slot_type == "Extended access appointment"
    assert first.site_name and first.practitioner_name
    assert slots == sorted(slots, key=lambda s: (s.start, s.external_id))


def test_search_over_a_month_is_split_into_windows_of_at_most_14_days(client, sandbox):
    start = today(sandbox) + timedelta(days=1)

    slots = client.search_free_slots(
        requester=HUB_RECEPTIONIST,
        practice_ods=PRACTICE,
        start=start,
        end=start + timedelta(days=29),
    )

    searches = sandbox.requests("search_free_slots")
    windows = [
        (
            date.fromisoformat(r["query"]["start"][0][2:]),
            date.fromisoformat(r["query"]["end"][0][2:]),
        )
        for r in searches
    ]
    assert [(end - begin).days + 1 for begin, end in windows] == [14, 14, 2]
    assert all(r["status"] == 200 for r in searches)
    assert len({s.external_id for s in slots}) == len(slots)
    assert max(london_date(s.start) for s in slots) > start + timedelta(days=14)


def test_book_registers_a_patient_the_practice_does_not_know_and_books(client, sandbox):
    appointment = book(client, sandbox)

    assert appointment.status == "booked" and appointment.version == "1"
    assert appointment.reference == "0b6a53e4-booking"
    assert appointment.patient_nhs_number == NHS_NUMBER
    assert appointment.description == "Extended access review"
    (entry,) = sandbox.ledger()
    assert entry["id"] == appointment.external_id
    assert entry["patient"]["name"] == "Bea Brown"
    assert entry["booking_organisation"] == {
        "ods_code": "U30003",
        "name": "Aire Valley Hub",
        "phone": "0113 496 0000",
    }
    assert len(sandbox.requests("register_patient")) == 1


def test_a_known_patient_is_not_registered_again(client, sandbox):
    slots = free_slots(client, sandbox)
    client.book(requester=HUB_RECEPTIONIST, request=appointment_request(slots[0]))

    client.book(
        requester=HUB_RECEPTIONIST, request=appointment_request(slots[2], reference="second")
    )

    assert len(sandbox.requests("register_patient")) == 1
    assert len(sandbox.ledger()) == 2


def test_booking_reference_travels_as_a_hub_diary_identifier(client, sandbox):
    book(client, sandbox)

    assert sandbox.ledger()[0]["identifiers"] == [
        {"system": codes.SYSTEM_BOOKING_REFERENCE, "value": "0b6a53e4-booking"}
    ]


def test_blank_description_gets_a_default_because_gp_connect_requires_one(client, sandbox):
    appointment = book(client, sandbox, description="")

    assert appointment.description == "Hub Diary booking"


def test_too_long_a_description_is_rejected_before_sending(client, sandbox):
    with pytest.raises(Rejected):
        book(client, sandbox, description="x" * 101)

    assert sandbox.requests("book_appointment") == []


def test_booking_a_slot_someone_else_took_is_a_slot_conflict(client, sandbox):
    slot = free_slots(client, sandbox)[0]
    client.book(requester=HUB_RECEPTIONIST, request=appointment_request(slot))

    with pytest.raises(SlotConflict):
        client.book(
            requester=HUB_RECEPTIONIST,
            request=appointment_request(slot, patient_nhs_number="9990000034", reference="other"),
        )
    assert len(sandbox.ledger()) == 1


def test_the_practice_filling_the_slot_first_is_a_slot_conflict(client, sandbox):
    slot = free_slots(client, sandbox)[0]
    sandbox.control(fill_on_next_book=[slot.external_id])

    with pytest.raises(SlotConflict, match="DUPLICATE_REJECTED"):
        client.book(requester=HUB_RECEPTIONIST, request=appointment_request(slot))

    (entry,) = sandbox.ledger()
    assert entry["booked_via"] == "practice" and entry["reference"] == ""


def test_every_request_carries_the_requesters_own_organisation_and_identity(client, sandbox):
    book(client, sandbox)

    requests = sandbox.requests()
    assert {r["interaction"] for r in requests} == {
        "search_free_slots",
        "find_patient",
        "register_patient",
        "book_appointment",
    }
    for logged in requests:
        claims = logged["claims"]
        assert claims["requesting_organization"]["identifier"] == [
            {"system": codes.SYSTEM_ODS_CODE, "value": "U30003"}
        ]
        assert claims["requesting_organization"]["name"] == "Aire Valley Hub"
        assert claims["sub"] == claims["requesting_practitioner"]["id"] == "6f1c2d3e-user"
        assert claims["requesting_practitioner"]["name"] == [{"family": "Reed", "given": ["Hana"]}]
        assert claims["exp"] - claims["iat"] == 300
        assert claims["reason_for_request"] == "directcare"
        assert claims["aud"] == sandbox.root()
    scopes = {r["interaction"]: r["claims"]["requested_scope"] for r in requests}
    assert scopes == {
        "search_free_slots": "organization/*.read",
        "find_patient": "patient/*.read",
        "register_patient": "patient/*.write",
        "book_appointment": "patient/*.write",
    }
    assert sandbox.ledger()[0]["booked_by"]["practitioner_name"] == "Hana Reed"


def test_the_practice_is_never_named_as_the_requester(client, sandbox):
    book(client, sandbox)

    for logged in sandbox.requests():
        assert PRACTICE not in str(logged["claims"]["requesting_organization"])


def test_retrieve_finds_our_booking_by_its_reference(client, sandbox):
    booked = book(client, sandbox)

    found = client.retrieve_patient_appointments(
        requester=HUB_RECEPTIONIST,
        practice_ods=PRACTICE,
        nhs_number=NHS_NUMBER,
        start=today(sandbox) - timedelta(days=7),  # days in the past are left out
        end=today(sandbox) + timedelta(days=30),
    )

    assert [(a.external_id, a.reference) for a in found] == [
        (booked.external_id, "0b6a53e4-booking")
    ]
    (search,) = sandbox.requests("retrieve_appointments")
    assert search["query"]["start"][0] == f"ge{today(sandbox).isoformat()}"


def test_retrieve_for_a_patient_the_practice_does_not_know_is_empty(client, sandbox):
    assert (
        client.retrieve_patient_appointments(
            requester=HUB_RECEPTIONIST,
            practice_ods=PRACTICE,
            nhs_number="9990000042",
            start=today(sandbox),
            end=today(sandbox) + timedelta(days=7),
        )
        == []
    )


def test_retrieve_of_days_all_in_the_past_asks_nothing(client, sandbox):
    found = client.retrieve_patient_appointments(
        requester=HUB_RECEPTIONIST,
        practice_ods=PRACTICE,
        nhs_number=NHS_NUMBER,
        start=today(sandbox) - timedelta(days=7),
        end=today(sandbox) - timedelta(days=1),
    )

    assert found == [] and sandbox.requests() == []


def test_read_returns_the_appointment_with_the_patients_nhs_number(client, sandbox):
    booked = book(client, sandbox)

    read = client.read(
        requester=HUB_RECEPTIONIST, practice_ods=PRACTICE, external_id=booked.external_id
    )

    assert read == booked


def test_read_of_an_unknown_appointment_is_not_found(client, sandbox):
    with pytest.raises(NotFound, match="NO_RECORD_FOUND"):
        client.read(requester=HUB_RECEPTIONIST, practice_ods=PRACTICE, external_id="404")


def test_amend_reads_changes_and_puts_with_if_match(client, sandbox):
    booked = book(client, sandbox)

    amended = client.amend(
        requester=HUB_RECEPTIONIST,
        practice_ods=PRACTICE,
        external_id=booked.external_id,
        description="Review with interpreter",
        comment="",
    )

    assert (amended.description, amended.comment, amended.version) == (
        "Review with interpreter",
        "",
        "2",
    )
    assert sandbox.ledger()[0]["comment"] == ""


def test_amending_to_what_it_already_says_writes_nothing(client, sandbox):
    booked = book(client, sandbox)

    same = client.amend(
        requester=HUB_RECEPTIONIST,
        practice_ods=PRACTICE,
        external_id=booked.external_id,
        description=booked.description,
        comment=booked.comment,
    )

    assert same == booked
    assert sandbox.requests("amend_appointment") == []


def test_cancel_cancels_with_the_reason_and_frees_the_slot(client, sandbox):
    booked = book(client, sandbox)

    cancelled = client.cancel(
        requester=HUB_RECEPTIONIST,
        practice_ods=PRACTICE,
        external_id=booked.external_id,
        reason="Patient feeling better",
    )

    assert cancelled.status == "cancelled" and cancelled.version == "2"
    assert cancelled.cancellation_reason == "Patient feeling better"
    assert booked.slot_external_ids[0] in {s.external_id for s in free_slots(client, sandbox)}


def test_cancelling_a_cancelled_appointment_again_writes_nothing(client, sandbox):
    booked = book(client, sandbox)
    kwargs = dict(
        requester=HUB_RECEPTIONIST,
        practice_ods=PRACTICE,
        external_id=booked.external_id,
        reason="",
    )

    first = client.cancel(**kwargs)
    second = client.cancel(**kwargs)

    assert first == second and first.cancellation_reason == "Cancelled in Hub Diary"
    assert len(sandbox.requests("cancel_appointment")) == 1


def test_a_stale_version_is_read_again_and_the_cancel_goes_through(client, sandbox):
    booked = book(client, sandbox)
    sandbox.control(practice_edits_after_read={booked.external_id: 1})

    cancelled = client.cancel(
        requester=HUB_RECEPTIONIST,
        practice_ods=PRACTICE,
        external_id=booked.external_id,
        reason="Unwell",
    )

    assert cancelled.status == "cancelled" and cancelled.version == "3"
    assert [r["status"] for r in sandbox.requests("cancel_appointment")] == [409, 200]
    assert "[seen at the practice]" in cancelled.comment


def test_an_appointment_that_keeps_changing_is_a_version_conflict(client, sandbox):
    booked = book(client, sandbox)
    sandbox.control(practice_edits_after_read={booked.external_id: 10})

    with pytest.raises(VersionConflict) as caught:
        client.amend(
            requester=HUB_RECEPTIONIST,
            practice_ods=PRACTICE,
            external_id=booked.external_id,
            description="Changed",
            comment="",
        )

    assert caught.value.retryable
    assert len(sandbox.requests("amend_appointment")) == 3
    assert sandbox.ledger()[0]["description"] == "Extended access review"


def test_changing_an_appointment_in_the_past_is_rejected(client, sandbox):
    booked = book(client, sandbox)
    sandbox.clock.offset = timedelta(days=30)  # the client shares the sandbox's clock

    with pytest.raises(Rejected, match="INVALID_RESOURCE") as caught:
        client.cancel(
            requester=HUB_RECEPTIONIST,
            practice_ods=PRACTICE,
            external_id=booked.external_id,
            reason="Too late",
        )
    assert not caught.value.retryable


def test_a_client_needs_base_url_or_endpoints():
    with pytest.raises(ValueError):
        GPConnectClient()


def test_times_come_back_timezone_aware_in_utc(client, sandbox):
    booked = book(client, sandbox)

    assert booked.start.tzinfo is not None
    assert booked.start == booked.start.astimezone(UTC)
    assert booked.start > datetime.now(UTC)
