"""What a practice runs and to whom it releases it: the weekly sessions a rota is drawn
from, the clinicians who run them, and the release templates sessions are given."""

import datetime
from dataclasses import dataclass

CLINICIAN_ROLES = ("R0260", "R0270", "R0620", "R0600", "R1290")  # five per practice


@dataclass(frozen=True)
class Pattern:
    """One weekly session in a practice's rota."""

    weekdays: tuple[int, ...]  # Monday 0
    start: datetime.time
    end: datetime.time
    minutes: int
    role: str
    channel: str
    clinician: int | None  # which of the practice's clinicians; distinct when sessions overlap
    session_type: str = "GP extended access"
    slot_type: str = "Routine appointment"
    category: str = "General Consultation Routine"  # the national appointment category


def patterns() -> list[Pattern]:
    from booking.appointment_data import NationalCategory as N
    from booking.models import DeliveryChannel as C
    from practices.models import Clinician

    R = Clinician.JobRole
    t = datetime.time
    weekdays = (0, 1, 2, 3, 4)
    return [
        Pattern(weekdays, t(18, 30), t(20, 0), 10, R.GP, C.IN_PERSON, 0),
        Pattern(weekdays, t(18, 30), t(20, 0), 15, R.PRACTICE_NURSE, C.IN_PERSON, 2),
        Pattern(
            weekdays,
            t(18, 0),
            t(20, 0),
            10,
            R.SALARIED_GP,
            C.TELEPHONE,
            1,
            category=N.CLINICAL_TRIAGE,
        ),
        # Saturday mornings take the week's same-day need.
        Pattern((5,), t(9, 0), t(12, 0), 10, R.GP, C.IN_PERSON, 0, category=N.GENERAL_ACUTE),
        Pattern((5,), t(9, 0), t(12, 0), 15, R.NURSE_PRACTITIONER, C.IN_PERSON, 3),
        Pattern(
            (5,),
            t(9, 0),
            t(11, 0),
            10,
            R.HEALTHCARE_ASSISTANT,
            C.IN_PERSON,
            None,
            slot_type="Blood test",
            category=N.PLANNED_CLINICS,
        ),
        Pattern((6,), t(10, 0), t(12, 0), 15, R.GP, C.VIDEO, 1),
        Pattern(
            (6,),
            t(10, 0),
            t(13, 0),
            15,
            R.PHARMACIST,
            C.TELEPHONE,
            4,
            slot_type="Medication review",
            category=N.MEDICATION_REVIEW,
        ),
    ]


# Release templates: (weight, rules as ReleaseRule field dicts). Most sessions go to the
# hub as soon as published; some also to urgent care on the day or online two days
# before; a few widen to everyone at T-2h, go to urgent care only, name ODS codes, or
# have a per-session hub quota.
RELEASES: list[tuple[float, list[dict]]] = [
    (0.52, [{"audience": "hub"}]),
    (
        0.18,
        [
            {"audience": "hub"},
            {
                "audience": "urgent-care",
                "opens": "on-day",
                "opens_days_before": 0,
                "opens_time": datetime.time(8, 0),
            },
        ],
    ),
    (
        0.14,
        [
            {"audience": "hub", "cut_off_minutes": 30},
            {
                "audience": "online",
                "opens": "before-start",
                "opens_minutes_before": 2880,
                "cut_off_minutes": 60,
            },
        ],
    ),
    (
        0.06,
        [
            {"audience": "hub"},
            {"audience": "urgent-care", "opens": "before-start", "opens_minutes_before": 120},
            {"audience": "online", "opens": "before-start", "opens_minutes_before": 120},
        ],
    ),
    (0.03, [{"audience": "hub", "quota_per_session": 4}]),
    (0.04, [{"audience": "urgent-care", "opens": "on-day", "opens_days_before": 0}]),
    (0.03, [{"audience": "hub", "ods_codes": ["__HUB__"]}]),  # named: the practice's hub
]
