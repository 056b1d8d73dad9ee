"""What the GP Connect client's tests ask of the sandbox: a hub receptionist's free slots,
and bookings into them."""

from datetime import date, timedelta

from gpconnect.times import london_date
from practices.clinical_systems.base import AppointmentRequest, PracticeSlot, Requester
from tests.gpconnect.sandbox.harness import PRACTICE

NHS_NUMBER = "9990000018"
HUB_RECEPTIONIST = Requester(
    organisation_ods="U30003",
    organisation_name="Aire Valley Hub",
    user_id="6f1c2d3e-user",
    user_name="Hana Reed",
    sds_role="R8001",
)


def today(sandbox) -> date:
    return london_date(sandbox.clock())


def free_slots(client, sandbox, days: int = 7) -> list[PracticeSlot]:
    start = today(sandbox) + timedelta(days=1)
    return client.search_free_slots(
        requester=HUB_RECEPTIONIST,
        practice_ods=PRACTICE,
        start=start,
        end=start + timedelta(days=days - 1),
    )


def appointment_request(slot: PracticeSlot, **changes) -> AppointmentRequest:
    values = dict(
        practice_ods=PRACTICE,
        slot_external_id=slot.external_id,
        start=slot.start,
        end=slot.end,
        patient_nhs_number=NHS_NUMBER,
        patient_given_name="Bea",
        patient_family_name="Brown",
        patient_birth_date=date(1980, 5, 1),
        description="Extended access review",
        comment="Needs step-free access",
        reference="0b6a53e4-booking",
        booking_organisation_ods="U30003",
        booking_organisation_name="Aire Valley Hub",
        booking_organisation_phone="0113 496 0000",
    )
    return AppointmentRequest(**(values | changes))


def book(client, sandbox, **changes):
    slot = free_slots(client, sandbox)[0]
    return client.book(requester=HUB_RECEPTIONIST, request=appointment_request(slot, **changes))
