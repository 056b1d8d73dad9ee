"""Our records as GP Connect resources. Every id is the record's public id: a slot's, its
session's (the Schedule), its site's (the Location), its clinician's (the Practitioner),
its practice's (the Organization), the patient's and the booking's (the Appointment)."""

from gpconnect import codes
from gpconnect.resources.appointment import Appointment
from gpconnect.resources.location import Location
from gpconnect.resources.organization import Organization
from gpconnect.resources.patient import Patient as PatientResource
from gpconnect.resources.practitioner import Practitioner
from gpconnect.resources.schedule import Schedule
from practices.models import Organisation

# GPConnect-OrganisationType-1 codes for the kinds of organisation that book.
ORGANISATION_TYPES = {
    Organisation.Kind.GP_PRACTICE: "gp-practice",
    Organisation.Kind.URGENT_CARE: "urgent-care",
    Organisation.Kind.OUT_OF_HOURS: "oohs",
    Organisation.Kind.NHS_111: "111",
}
# A booking's status as FHIR's appointment status.
APPOINTMENT_STATUS = {
    "booked": "booked",
    "arrived": "arrived",
    "attended": "fulfilled",
    "dna": "noshow",
    "cancelled": "cancelled",
}


def organization(organisation: Organisation) -> Organization:
    return Organization(
        id=str(organisation.public_id),
        ods_code=organisation.ods_code,
        name=organisation.name,
        phone=organisation.phone,
        type_code=ORGANISATION_TYPES.get(organisation.kind, ""),
    )


# A session with its site, clinician and practice, as search reads them: plain values.
SCHEDULE_COLUMNS = (
    "pk",
    "public_id",
    "practitioner_role",
    "session_type",
    "site__public_id",
    "site__name",
    "site__address_line_1",
    "site__address_line_2",
    "site__town",
    "site__postcode",
    "clinician__public_id",
    "clinician__title",
    "clinician__given_name",
    "clinician__family_name",
    "clinician__gender",
    "practice__public_id",
    "practice__ods_code",
    "practice__name",
    "practice__phone",
)


def schedule_of(session: dict) -> Schedule:
    clinician = session["clinician__public_id"]
    return Schedule(
        id=str(session["public_id"]),
        location_id=str(session["site__public_id"]),
        practitioner_role=session["practitioner_role"],
        practitioner_id=str(clinician) if clinician else "",
        service_category=session["session_type"],
    )


def practitioner_of(session: dict) -> Practitioner:
    title = session["clinician__title"]
    return Practitioner(
        id=str(session["clinician__public_id"]),
        family=session["clinician__family_name"],
        given=(session["clinician__given_name"],),
        prefix=(title,) if title else (),
        gender=session["clinician__gender"],
    )


def location_of(session: dict) -> Location:
    lines = (session["site__address_line_1"], session["site__address_line_2"])
    return Location(
        id=str(session["site__public_id"]),
        name=session["site__name"],
        managing_organization_id=str(session["practice__public_id"]),
        address_lines=tuple(line for line in lines if line),
        city=session["site__town"],
        postcode=session["site__postcode"],
        phone=session["practice__phone"],
    )


def practice_of(session: dict) -> Organization:
    return Organization(
        id=str(session["practice__public_id"]),
        ods_code=session["practice__ods_code"],
        name=session["practice__name"],
        phone=session["practice__phone"],
        type_code="gp-practice",
    )


def patient(record) -> PatientResource:
    """A patient (patients.Patient) as GP Connect finds them."""
    return PatientResource(
        id=str(record.public_id),
        nhs_number=record.nhs_number,
        family=record.family_name,
        given=(record.given_name,),
        birth_date=record.date_of_birth,
        gender=record.gender,
    )


def appointment(booking) -> Appointment:
    """A booking (booking.Booking, with its slot's session, site and practice, the patient
    and the booking organisation) as its Appointment."""
    slot = booking.slot
    return Appointment(
        id=str(booking.public_id),
        version=str(booking.version),
        status=APPOINTMENT_STATUS.get(booking.status, "booked"),
        start=booking.start,
        end=booking.end,
        slot_ids=(str(slot.public_id),),
        patient_id=str(booking.patient.public_id),
        location_id=str(slot.site.public_id),
        practitioner_id=str(booking.clinician.public_id) if booking.clinician else "",
        created=booking.created_at.replace(microsecond=0),
        booking_organization=organization(booking.booking_organisation),
        description=booking.description,
        comment=booking.comment,
        cancellation_reason=booking.cancellation_reason,
        identifiers=((codes.SYSTEM_BOOKING_REFERENCE, str(booking.public_id)),),
        practitioner_role=slot.practitioner_role,
        delivery_channel=slot.delivery_channel,
        service_category=slot.session.session_type,
        service_type=slot.slot_type,
    )
