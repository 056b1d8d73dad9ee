"""Appointments to and from FHIR JSON in GP Connect's shapes."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from gpconnect import codes
from gpconnect.errors import GPConnectError, SpineError
from gpconnect.resources.appointment import Appointment
from gpconnect.resources.organization import Organization

START = datetime(2026, 10, 24, 17, 30, tzinfo=UTC)  # 18:30 BST
END = datetime(2026, 10, 24, 17, 45, tzinfo=UTC)


def _appointment(**changes):
    appointment = Appointment(
        status="booked",
        start=START,
        end=END,
        slot_ids=("A10001-202610241830-1",),
        patient_id="7",
        location_id="A10001-L1",
        practitioner_id="A10001-P1",
        created=datetime(2026, 10, 20, 9, 0, tzinfo=UTC),
        booking_organization=Organization(
            ods_code="U30003", name="Aire Valley Hub", phone="0113 496 0000", type_code="hub"
        ),
        description="Extended access review",
        comment="Prefers an interpreter",
        identifiers=((codes.SYSTEM_BOOKING_REFERENCE, "b7c1"),),
    )
    return appointment.changed(**changes)


def test_appointment_json_has_the_book_appointment_shape():
    resource = _appointment().to_fhir()

    assert resource["meta"]["profile"] == [codes.PROFILE_APPOINTMENT]
    assert resource["contained"][0]["name"] == "Aire Valley Hub"
    assert resource["contained"][0]["telecom"] == [
        {"system": "phone", "value": "0113 496 0000", "use": "work"}
    ]
    assert resource["extension"] == [
        {"url": codes.EXT_BOOKING_ORGANISATION, "valueReference": {"reference": "#1"}}
    ]
    assert resource["start"] == "2026-10-24T18:30:00+01:00"
    assert resource["slot"] == [{"reference": "Slot/A10001-202610241830-1"}]
    assert [p["actor"]["reference"] for p in resource["participant"]] == [
        "Patient/7",
        "Location/A10001-L1",
        "Practitioner/A10001-P1",
    ]
    assert resource["identifier"] == [{"system": codes.SYSTEM_BOOKING_REFERENCE, "value": "b7c1"}]
    assert "reason" not in resource and "id" not in resource


def test_appointment_round_trips_with_cancellation_and_provider_extensions():
    appointment = _appointment(
        id="9",
        version="3",
        status="cancelled",
        cancellation_reason="Patient unwell",
        practitioner_role="R0260",
        delivery_channel="In-person",
        service_category="GP extended access",
        service_type="Extended access appointment",
    )

    parsed = Appointment.from_fhir(appointment.to_fhir())

    contained = replace(appointment.booking_organization, id="1")
    assert parsed == appointment.changed(booking_organization=contained)
    assert parsed.identifier(codes.SYSTEM_BOOKING_REFERENCE) == "b7c1"


def test_appointment_from_the_specification_example_parses():
    example = {
        "resourceType": "Appointment",
        "id": "148",
        "meta": {"versionId": "1503310820000"},
        "status": "booked",
        "start": "2017-08-21T10:20:00.000+00:00",
        "end": "2017-08-21T10:50:00.000+00:00",
        "slot": [{"reference": "Slot/544"}, {"reference": "Slot/545"}],
        "created": "2017-10-09T13:48:41+01:00",
        "participant": [
            {"actor": {"reference": "Patient/2"}, "status": "accepted"},
            {"actor": {"reference": "Location/1"}, "status": "accepted"},
        ],
    }

    appointment = Appointment.from_fhir(example)

    assert appointment.version == "1503310820000"
    assert appointment.slot_ids == ("544", "545")
    assert appointment.booking_organization is None
    assert appointment.identifier(codes.SYSTEM_BOOKING_REFERENCE) == ""


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"status": "maybe"}, "status"),
        ({"slot": []}, "slot"),
        ({"start": "2026-10-24T18:30:00"}, "start"),
        ({"participant": []}, "patient"),
        ({"contained": []}, "contained Organization"),
        ({"identifier": [{"system": codes.SYSTEM_BOOKING_REFERENCE}]}, "identifier"),
    ],
)
def test_appointment_that_breaks_the_profile_is_an_invalid_resource(broken, message):
    resource = _appointment().to_fhir() | broken

    with pytest.raises(GPConnectError, match=message) as caught:
        Appointment.from_fhir(resource)
    assert caught.value.error is SpineError.INVALID_RESOURCE
