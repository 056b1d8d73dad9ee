"""Six weeks of the hub before today, for the reports: Enhanced Access sessions at each
practice, booked by the hub, A&E, out-of-hours, NHS 111, patients online and the practices,
with what happened (attended, did not attend, no outcome recorded) and the reminders sent.
Services publish and book only in the future, so the past is written as rows, the way an
import of the hub's earlier diary would arrive; the summary tables are then counted."""

import datetime
import random

from django.utils import timezone

from booking.appointment_data import NationalCategory, ServiceSetting
from booking.models import Booking, DeliveryChannel, Session, Slot
from booking.slot_generation import cut_into_slots
from core.time import LONDON
from demo.governance import NO_AGREEMENT_WITH_HUB
from patients.models import Patient
from practices.models import Clinician, Membership, Organisation
from practices.roles import Role
from reports.summaries import refresh_year

WEEKS = 6
# (weekday, start, end, role, minutes, channel, category)
SESSIONS = (
    (1, (18, 30), (20, 0), Clinician.JobRole.GP, 15, DeliveryChannel.IN_PERSON, "routine"),
    (
        3,
        (18, 30),
        (20, 0),
        Clinician.JobRole.NURSE_PRACTITIONER,
        15,
        DeliveryChannel.IN_PERSON,
        "acute",
    ),
    (5, (9, 0), (12, 0), Clinician.JobRole.GP, 15, DeliveryChannel.IN_PERSON, "routine"),
    (5, (13, 0), (15, 0), Clinician.JobRole.PHARMACIST, 20, DeliveryChannel.TELEPHONE, "review"),
)
CATEGORIES = {
    "routine": NationalCategory.GENERAL_ROUTINE,
    "acute": NationalCategory.GENERAL_ACUTE,
    "review": NationalCategory.MEDICATION_REVIEW,
}
# Who books, and how often: (organisation's ODS code or None for the practice, channel, weight).
BOOKERS = (
    ("hub", Booking.Channel.HUB, 55),
    ("RZZ01", Booking.Channel.A_AND_E, 8),
    ("NZZ01", Booking.Channel.OUT_OF_HOURS, 6),
    ("NZZ02", Booking.Channel.NHS_111, 10),
    ("online", Booking.Channel.ONLINE, 12),
    ("practice", Booking.Channel.PRACTICE, 9),
)


def load_history(organisations: dict[str, Organisation], hub: Organisation, admin, rng) -> None:
    today = timezone.localdate()
    # Westfield Road has no sharing agreement with the hub yet: nothing of it was booked there.
    practices = list(
        hub.member_practices.exclude(ods_code=NO_AGREEMENT_WITH_HUB).order_by("ods_code")
    )
    patients = list(
        Patient.objects.filter(registered_practice__in=practices, is_sensitive=False).values_list(
            "pk", "registered_practice_id"
        )
    )
    managers = dict(
        Membership.objects.filter(
            organisation__in=practices, role=Role.PRACTICE_MANAGER
        ).values_list("organisation_id", "user_id")
    )
    for practice in practices:
        site = practice.sites.order_by("name").first()
        for weeks_back in range(WEEKS, 0, -1):
            monday = today - datetime.timedelta(days=today.weekday() + 7 * weeks_back)
            for weekday, start, end, role, minutes, channel, category in SESSIONS:
                day = monday + datetime.timedelta(days=weekday)
                starts = datetime.datetime.combine(day, datetime.time(*start), LONDON)
                ends = datetime.datetime.combine(day, datetime.time(*end), LONDON)
                session = Session.objects.create(
                    practice=practice,
                    site=site,
                    practitioner_role=role,
                    session_type="Extended access",
                    slot_type="Routine appointment",
                    delivery_channel=channel,
                    national_category=CATEGORIES[category],
                    service_setting=ServiceSetting.EXTENDED_ACCESS,
                    starts_at=starts,
                    ends_at=ends,
                    slot_minutes=minutes,
                    created_by_id=managers.get(practice.pk),
                )
                slots = Slot.objects.bulk_create(
                    Slot(
                        session=session,
                        practice=practice,
                        site=site,
                        practitioner_role=role,
                        delivery_channel=channel,
                        slot_type="Routine appointment",
                        start=slot_start,
                        end=slot_end,
                        hub_opens_at=starts - datetime.timedelta(days=14),
                        hub_closes_at=slot_start,
                    )
                    for slot_start, slot_end in cut_into_slots(starts, ends, minutes)
                )
                for slot in slots:
                    if rng.random() < 0.78:
                        _booking(slot, practice, organisations, hub, patients, managers, admin, rng)
    refresh_year()


def _booking(slot, practice, organisations, hub, patients, managers, admin, rng) -> None:
    who, channel = _weighted(rng)
    if who == "practice":
        organisation = practice
        candidates = [p for p in patients if p[1] == practice.pk] or patients
    else:
        organisation = hub if who in ("hub", "online") else organisations[who]
        candidates = patients
    patient_id, _ = rng.choice(candidates)
    lead_days = rng.choice((0, 0, 1, 2, 3, 5, 7, 9, 13))
    booked_at = slot.start - datetime.timedelta(days=lead_days, hours=rng.randint(1, 8))
    reminded = lead_days >= 2 and rng.random() < 0.85
    # Did-not-attend is likelier for appointments made long ahead and not reminded.
    miss = 0.04 + (0.05 if lead_days >= 5 else 0) + (0.06 if not reminded else 0)
    roll = rng.random()
    status = (
        Booking.Status.DID_NOT_ATTEND
        if roll < miss
        else Booking.Status.BOOKED
        if roll < miss + 0.04  # no outcome recorded
        else Booking.Status.ATTENDED
    )
    booking = Booking.objects.create(
        slot=slot,
        patient_id=patient_id,
        booking_organisation=organisation,
        booked_by_id=managers.get(practice.pk) if who == "practice" else admin.pk,
        channel=channel,
        status=status,
        start=slot.start,
        end=slot.end,
    )
    Booking.objects.filter(pk=booking.pk).update(
        created_at=booked_at,
        reminder_sent_at=slot.start - datetime.timedelta(days=1) if reminded else None,
    )
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.BOOKED)


def _weighted(rng: random.Random) -> tuple[str, str]:
    roll = rng.uniform(0, sum(weight for _, _, weight in BOOKERS))
    for who, channel, weight in BOOKERS:
        roll -= weight
        if roll <= 0:
            return who, channel
    return BOOKERS[0][0], BOOKERS[0][1]
