"""Bookings made directly in the database, for tests that need one to exist (the URL
meta-tests) rather than to test how it is made."""

import datetime

from django.utils import timezone

from booking.models import Booking, DeliveryChannel, Session, Slot
from practices.models import Clinician
from tests.factories import PatientFactory, PracticeFactory, SiteFactory, UserFactory


def booking_at(practice=None, *, made_by=None, patient=None) -> Booking:
    """A live booking into a slot two days ahead at `practice` (a new practice if None),
    made by `made_by` (the practice itself by default) for `patient` (one registered at the
    practice by default)."""
    practice = practice or PracticeFactory()
    site = SiteFactory(organisation=practice)
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    end = start + datetime.timedelta(minutes=15)
    session = Session.objects.create(
        practice=practice,
        site=site,
        practitioner_role=Clinician.JobRole.GP,
        session_type="GP extended access",
        slot_type="Routine appointment",
        delivery_channel=DeliveryChannel.IN_PERSON,
        starts_at=start,
        ends_at=end,
        slot_minutes=15,
    )
    slot = Slot.objects.create(
        session=session,
        practice=practice,
        site=site,
        practitioner_role=session.practitioner_role,
        delivery_channel=session.delivery_channel,
        slot_type=session.slot_type,
        start=start,
        end=end,
        status=Slot.Status.BOOKED,
    )
    return Booking.objects.create(
        slot=slot,
        patient=patient or PatientFactory(registered_practice=practice),
        booking_organisation=made_by or practice,
        booked_by=UserFactory(),
        channel=Booking.Channel.PRACTICE if made_by is None else Booking.Channel.HUB,
        start=start,
        end=end,
    )
