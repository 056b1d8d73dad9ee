"""Schedules to and from FHIR JSON."""

from gpconnect import codes
from gpconnect.resources.schedule import Schedule


def test_schedule_round_trips_with_its_practitioner_role():
    schedule = Schedule(
        id="sch1",
        location_id="L1",
        practitioner_role="R0600",
        practitioner_id="P1",
        service_category="Nurse practitioner clinic",
    )

    assert Schedule.from_fhir(schedule.to_fhir()) == schedule
    assert schedule.to_fhir()["extension"][0]["valueCodeableConcept"]["coding"][0] == {
        "system": codes.SYSTEM_SDS_JOB_ROLE,
        "code": "R0600",
        "display": "Nurse Practitioner",
    }
