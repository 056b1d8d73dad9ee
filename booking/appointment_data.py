"""The vocabulary of the national GP appointments data collection (GPAD), which every
session carries so that Hub Diary's appointments can be counted the way the national
figures count them: the national appointment category and service setting (set on the
session), the appointment mode (from its delivery channel), the healthcare professional
type (from the practitioner's role), and the time from booking to appointment."""

import datetime

from django.db import models

from practices.models import Clinician


class NationalCategory(models.TextChoices):
    """The national appointment categories, as GPAD publishes them."""

    GENERAL_ROUTINE = "General Consultation Routine", "General consultation routine"
    GENERAL_ACUTE = "General Consultation Acute", "General consultation acute"
    CLINICAL_TRIAGE = "Clinical Triage", "Clinical triage"
    PLANNED_CLINICS = "Planned Clinics", "Planned clinics"
    PLANNED_PROCEDURE = "Planned Clinical Procedure", "Planned clinical procedure"
    UNPLANNED = "Unplanned Clinical Activity", "Unplanned clinical activity"
    MEDICATION_REVIEW = "Structured Medication Review", "Structured medication review"
    HOME_VISIT = "Home Visit", "Home visit"
    CARE_HOME_VISIT = "Care Home Visit", "Care home visit"
    CARE_HOME_ROUND = (
        "Patient contact during Care Home Round",
        "Patient contact during care home round",
    )
    CARE_HOME_ASSESSMENT = (
        "Care Home Needs Assessment & Personalised Care and Support Planning",
        "Care home needs assessment and personalised care and support planning",
    )
    SOCIAL_PRESCRIBING = "Social Prescribing Service", "Social prescribing service"
    GROUP = "Group Consultation and Group Education", "Group consultation and group education"
    WALK_IN = "Walk-in", "Walk-in"
    EXTERNAL = (
        "Service provided by organisation external to the practice",
        "Service provided by an organisation external to the practice",
    )
    NON_CONTRACTUAL = "Non-contractual chargeable work", "Non-contractual chargeable work"
    INCONSISTENT = "Inconsistent Mapping", "Inconsistent mapping"
    UNMAPPED = "Unmapped", "Not yet mapped"


class ServiceSetting(models.TextChoices):
    """Where the appointment is provided: Enhanced Access sessions offered through the hub
    are "Extended Access Provision"; a practice's own sessions are "General Practice"."""

    EXTENDED_ACCESS = "Extended Access Provision", "Extended Access Provision (the hub)"
    GENERAL_PRACTICE = "General Practice", "General Practice (the practice's own)"
    PRIMARY_CARE_NETWORK = "Primary Care Network", "Primary Care Network"
    OTHER = "Other", "Other"
    UNMAPPED = "Unmapped", "Not yet mapped"


# GPAD's APPT_MODE, from GP Connect's delivery channel.
APPOINTMENT_MODE = {
    "In-person": "Face-to-Face",
    "Telephone": "Telephone",
    "Video": "Video Conference/Online",
    "Home visit": "Home Visit",
}
GP_ROLES = frozenset(
    {
        Clinician.JobRole.GP,
        Clinician.JobRole.SALARIED_GP,
        Clinician.JobRole.LOCUM_GP,
        Clinician.JobRole.SESSIONAL_GP,
        Clinician.JobRole.GP_REGISTRAR,
    }
)
# GPAD's TIME_BETWEEN_BOOK_AND_APPT bands: (upper bound in days, label), by calendar day.
LEAD_TIME_BANDS = (
    (0, "Same Day"),
    (1, "1 Day"),
    (7, "2 to 7 Days"),
    (14, "8 to 14 Days"),
    (21, "15 to 21 Days"),
    (28, "22 to 28 Days"),
)
LEAD_TIME_LONGEST = "More than 28 Days"
LEAD_TIME_UNKNOWN = "Unknown / Data Quality"


def appointment_mode(delivery_channel: str) -> str:
    return APPOINTMENT_MODE.get(delivery_channel, "Unknown")


def hcp_type(practitioner_role: str) -> str:
    """GPAD's HCP_TYPE: a GP, or other practice staff."""
    return "GP" if practitioner_role in GP_ROLES else "Other Practice staff"


def lead_time_band(booked_on: datetime.date | None, appointment_on: datetime.date) -> str:
    """GPAD's band for the calendar days from booking to appointment."""
    if booked_on is None or booked_on > appointment_on:
        return LEAD_TIME_UNKNOWN
    days = (appointment_on - booked_on).days
    for upper, label in LEAD_TIME_BANDS:
        if days <= upper:
            return label
    return LEAD_TIME_LONGEST
