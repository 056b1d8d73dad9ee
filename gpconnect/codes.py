"""The URIs and codes GP Connect Appointment Management speaks in.

Sources: nhsconnect/gpconnect `appointments_use_case_*.md` (profiles and extensions in the
example payloads), `foundations_use_case_find_a_patient.md` and
`integration_cross_organisation_audit_and_provenance.md` (identifier systems), the
GPConnect-Appointment-1 StructureDefinition (nhsconnect/STU3-FHIR-Assets), which profiles
`Appointment.identifier` with a mandatory `system` and `value`.
"""

_SD = "https://fhir.nhs.uk/STU3/StructureDefinition/"

PROFILE_APPOINTMENT = _SD + "GPConnect-Appointment-1"
PROFILE_SLOT = _SD + "GPConnect-Slot-1"
PROFILE_SCHEDULE = _SD + "GPConnect-Schedule-1"
PROFILE_PRACTITIONER = _SD + "CareConnect-GPC-Practitioner-1"
PROFILE_LOCATION = _SD + "CareConnect-GPC-Location-1"
PROFILE_ORGANIZATION = _SD + "CareConnect-GPC-Organization-1"
PROFILE_PATIENT = _SD + "CareConnect-GPC-Patient-1"
PROFILE_OPERATION_OUTCOME = _SD + "GPConnect-OperationOutcome-1"
PROFILE_SEARCHSET_BUNDLE = _SD + "GPConnect-Searchset-Bundle-1"

EXT_BOOKING_ORGANISATION = _SD + "Extension-GPConnect-BookingOrganisation-1"
EXT_CANCELLATION_REASON = _SD + "Extension-GPConnect-AppointmentCancellationReason-1"
EXT_PRACTITIONER_ROLE = _SD + "Extension-GPConnect-PractitionerRole-1"
EXT_DELIVERY_CHANNEL = _SD + "Extension-GPConnect-DeliveryChannel-2"
EXT_REGISTRATION_DETAILS = _SD + "Extension-CareConnect-GPC-RegistrationDetails-1"

SYSTEM_ODS_CODE = "https://fhir.nhs.uk/Id/ods-organization-code"
SYSTEM_NHS_NUMBER = "https://fhir.nhs.uk/Id/nhs-number"
SYSTEM_SDS_USER_ID = "https://fhir.nhs.uk/Id/sds-user-id"
SYSTEM_SDS_ROLE_PROFILE_ID = "https://fhir.nhs.uk/Id/sds-role-profile-id"
SYSTEM_SDS_JOB_ROLE = "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-SDSJobRoleName-1"
SYSTEM_ORGANISATION_TYPE = "https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1"
SYSTEM_SPINE_ERROR = "https://fhir.nhs.uk/STU3/CodeSystem/Spine-ErrorOrWarningCode-1"
SYSTEM_REGISTRATION_TYPE = "https://fhir.nhs.uk/CareConnect-RegistrationType-1"

# Ours. The booking reference travels as an Appointment.identifier in this system, so that
# after a timeout the write-back can retrieve the patient's appointments and recognise the
# one it made. Change it only together with every appointment already holding it.
HUB_DIARY_ID = "https://fhir.hub-diary.nhs.uk/Id/"
SYSTEM_BOOKING_REFERENCE = HUB_DIARY_ID + "booking-reference"
SYSTEM_HUB_DIARY_USER = HUB_DIARY_ID + "user-id"
SYSTEM_HUB_DIARY_DEVICE = HUB_DIARY_ID + "device"

# "UNK" is what GP Connect asks for where an SDS user or role profile id is not known.
UNKNOWN = "UNK"

# GPConnect-DeliveryChannel-2 codes; Hub Diary also records home visits, passed as given.
DELIVERY_CHANNELS = ("In-person", "Telephone", "Video")

# Display names for the SDS job-role codes Hub Diary uses (practices.models.Clinician).
SDS_JOB_ROLES: dict[str, str] = {
    "R0260": "General Medical Practitioner",
    "R0270": "Salaried General Practitioner",
    "R0262": "Locum General Practitioner",
    "R6300": "Sessional GP",
    "R6200": "GP Registrar",
    "E1001": "Advanced Practitioner",
    "E1003": "Physician Associate",
    "R0600": "Nurse Practitioner",
    "R0620": "Practice Nurse",
    "R1290": "Pharmacist",
    "R1070": "Paramedic",
    "R1110": "Physiotherapist",
    "R1480": "Healthcare Assistant",
    "R1590": "Phlebotomist",
}
