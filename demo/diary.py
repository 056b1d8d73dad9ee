"""Two weeks of the demo hub's evening and weekend sessions, some already booked, some
released only to urgent care or to patients online."""

import contextlib
import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from booking import nhs111
from booking.appointment_data import NationalCategory, ServiceSetting
from booking.errors import BookingError
from booking.models import Audience, DeliveryChannel, ReleaseRule, Slot
from booking.services.bookings import book_slot
from booking.services.sessions import RuleSpec, publish_sessions
from demo.hub import PRACTICES, demo_password
from governance.audit import Actor
from governance.staff import grant_membership
from patients.models import Patient
from practices.models import Clinician, Membership, Organisation
from practices.roles import Role

Job = Clinician.JobRole

HUB_NOW = RuleSpec(audience=Audience.HUB, cut_off_minutes=30)
# The nurses' evening clinic keeps places for the practice's own patients: the hub may
# book at most three of each.
HUB_AT_MOST_3 = RuleSpec(audience=Audience.HUB, cut_off_minutes=30, quota_per_session=3)
URGENT_ON_THE_DAY = RuleSpec(
    audience=Audience.URGENT_CARE,
    opens=ReleaseRule.Opens.ON_DAY,
    opens_days_before=0,
    opens_time=datetime.time(8),
)
ONLINE_48H = RuleSpec(
    audience=Audience.ONLINE,
    opens=ReleaseRule.Opens.BEFORE_START,
    opens_minutes_before=48 * 60,
    cut_off_minutes=60,
)
# Patients book the GP's Monday evenings and the pharmacist's phone clinics online a week ahead.
ONLINE_A_WEEK_AHEAD = RuleSpec(
    audience=Audience.ONLINE,
    opens=ReleaseRule.Opens.BEFORE_START,
    opens_minutes_before=7 * 24 * 60,
    cut_off_minutes=60,
)
WIDEN_AT_2H = (
    RuleSpec(
        audience=Audience.URGENT_CARE,
        opens=ReleaseRule.Opens.BEFORE_START,
        opens_minutes_before=120,
    ),
    RuleSpec(
        audience=Audience.ONLINE,
        opens=ReleaseRule.Opens.BEFORE_START,
        opens_minutes_before=120,
        cut_off_minutes=30,
    ),
)


@dataclass(frozen=True)
class Pattern:
    """One of a practice's weekly sessions; weekday 0 is Monday. Every one is offered as
    Enhanced Access, so its service setting is Extended Access Provision; its national
    category says what kind of appointment it offers."""

    weekday: int
    start: datetime.time
    end: datetime.time
    role: str
    minutes: int
    rules: tuple[RuleSpec, ...]
    category: str = NationalCategory.GENERAL_ROUTINE
    channel: str = DeliveryChannel.IN_PERSON


t = datetime.time
PATTERNS = {
    "standard": [
        Pattern(
            0, t(18, 30), t(20, 0), Job.GP, 15, (HUB_NOW, URGENT_ON_THE_DAY, ONLINE_A_WEEK_AHEAD)
        ),
        # The nurses' evening clinic: reviews of long-term conditions, booked ahead.
        Pattern(
            2, t(18, 30), t(20, 0), Job.PRACTICE_NURSE, 20, (HUB_AT_MOST_3, ONLINE_48H),
            category=NationalCategory.PLANNED_CLINICS,
        ),
        Pattern(5, t(9, 0), t(12, 0), Job.GP, 15, (HUB_NOW, *WIDEN_AT_2H)),
    ],
    "urgent-care": [
        # Same-day need from A&E and out-of-hours.
        Pattern(
            1, t(18, 30), t(20, 30), Job.GP, 15, (RuleSpec(audience=Audience.URGENT_CARE),),
            category=NationalCategory.GENERAL_ACUTE,
        ),
        Pattern(
            6, t(10, 0), t(12, 0), Job.ADVANCED_PRACTITIONER, 20,
            (RuleSpec(audience=Audience.URGENT_CARE, cut_off_minutes=15),),
            category=NationalCategory.CLINICAL_TRIAGE, channel=DeliveryChannel.TELEPHONE,
        ),
    ],
    "online": [
        Pattern(
            3, t(18, 30), t(20, 0), Job.PHARMACIST, 15, (ONLINE_A_WEEK_AHEAD,),
            category=NationalCategory.MEDICATION_REVIEW, channel=DeliveryChannel.TELEPHONE,
        ),
    ],
}  # fmt: skip


def _manager_for(practice: Organisation, admin):
    """The practice manager who publishes: the demo login where there is one."""
    existing = Membership.objects.filter(organisation=practice, role=Role.PRACTICE_MANAGER).first()
    if existing:
        return existing
    user = get_user_model().objects.create_user(
        f"manager.{practice.ods_code.lower()}",
        f"manager.{practice.ods_code.lower()}@example.nhs.uk",
        demo_password(),
        first_name="Practice",
        last_name=f"Manager {practice.ods_code}",
    )
    return grant_membership(by=admin, user=user, organisation=practice, role=Role.PRACTICE_MANAGER)


def load_diary(
    organisations: dict[str, Organisation], users: dict, admin, rng: random.Random
) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for index, spec in enumerate(PRACTICES):
        practice = organisations[spec.ods_code]
        membership = _manager_for(practice, admin)
        actor = Actor(user=membership.user, membership=membership, request_id="demo")
        sites = list(practice.sites.all())
        clinicians = list(practice.clinicians.all())
        patterns = PATTERNS["standard"] + (
            PATTERNS["urgent-care"] if index % 2 == 0 else PATTERNS["online"]
        )
        for pattern in patterns:
            first = tomorrow + datetime.timedelta(days=(pattern.weekday - tomorrow.weekday()) % 7)
            doctor = next((c for c in clinicians if c.job_role == pattern.role), None)
            publish_sessions(
                by=actor,
                site=rng.choice(sites),
                clinician=doctor,
                practitioner_role=pattern.role,
                session_type="Extended access",
                slot_type="Routine appointment",
                delivery_channel=pattern.channel,
                first_date=first,
                start_time=pattern.start,
                end_time=pattern.end,
                slot_minutes=pattern.minutes,
                weeks=2,
                rules=pattern.rules,
                national_category=pattern.category,
                service_setting=ServiceSetting.EXTENDED_ACCESS,
            )
        # Lists of 4,000 to 9,000 patients: two or three slots a day kept for NHS 111.
        list_size = 4_000 + 1_000 * index
        nhs111.set_reservation(
            by=actor,
            practice=practice,
            list_size=list_size,
            slots_per_day=nhs111.contract_minimum(list_size),
        )
    nhs111.keep_reservations()
    _book_some(organisations, users, rng)


def _book_some(organisations: dict[str, Organisation], users: dict, rng: random.Random) -> None:
    """The hub has booked about a third of its slots; A&E a few urgent-care ones."""
    hub_membership = Membership.objects.get(user=users["hub.reception"])
    hub = Actor(user=hub_membership.user, membership=hub_membership, request_id="demo")
    ae_membership = Membership.objects.get(user=users["ae.clinician"])
    ae = Actor(user=ae_membership.user, membership=ae_membership, request_id="demo")
    patients = list(
        Patient.objects.filter(is_sensitive=False).exclude(registered_practice__ods_code="A99006")
    )
    descriptions = [
        "Blood pressure review",
        "Asthma review",
        "Medication review",
        "Back pain",
        "Follow-up after A&E",
        "Contraception",
        "Rash",
        "",
    ]
    hub_slots = Slot.objects.filter(
        status=Slot.Status.FREE, hub_opens_at__isnull=False, hub_opens_at__lte=timezone.now()
    ).order_by("start")
    for slot in hub_slots:
        if rng.random() < 0.33:
            _try(hub, slot, rng.choice(patients), rng.choice(descriptions))
    urgent = Slot.objects.filter(
        status=Slot.Status.FREE,
        reserved_for="",  # kept for NHS 111
        urgent_care_opens_at__lte=timezone.now(),
        urgent_care_closes_at__gt=timezone.now(),
    ).order_by("start")[:4]
    for slot in urgent:
        _try(ae, slot, rng.choice(patients), "Seen in A&E, needs GP follow-up")


def _try(actor: Actor, slot: Slot, patient: Patient, description: str) -> None:
    # Where the rules say no to this one, a real receptionist would simply pick another.
    with contextlib.suppress(BookingError):
        book_slot(by=actor, slot=slot, patient=patient, description=description)
