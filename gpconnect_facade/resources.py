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
from practices.models import Clinician, Organisation, Site

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


def location(site: Site, practice: Organisation) -> Location:
    return Location(
        id=str(site.public_id),
        name=site.name,
        managing_organization_id=str(practice.public_id),
        address_lines=tuple(line for line in (site.address_line_1, site.address_line_2) if line),
        city=site.town,
        postcode=site.postcode,
        phone=practice.phone,
    )


def practitioner(clinician: Clinician) -> Practitioner:
    return Practitioner(
        id=str(clinician.public_id),
        family=clinician.family_name,
        given=(clinician.given_name,),
        prefix=(clinician.title,) if clinician.title else (),
        gender=clinician.gender,
    )


def schedule(session) -> Schedule:
    """A session (booking.Session, with its site and clinician) as the Schedule of its slots."""
    return Schedule(
        id=str(session.public_id),
        location_id=str(session.site.public_id),
        practitioner_role=session.practitioner_role,
        practitioner_id=str(session.clinician.public_id) if session.clinician else "",
        service_category=session.session_type,
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
