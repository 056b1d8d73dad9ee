"""Free slots made directly in the database, for the URL meta-tests: they need a slot or a
session to exist at an organisation, not to test how one is published."""

import datetime

from django.utils import timezone

from booking.models import DeliveryChannel, Session, Slot
from practices.models import Clinician
from tests.factories import SiteFactory


def free_slot_at(practice) -> Slot:
    """A free slot two days from now at `practice`, open to the hub and urgent care now."""
    site = SiteFactory(organisation=practice)
    now = timezone.now().replace(microsecond=0)
    start = now + datetime.timedelta(days=2)
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
    return Slot.objects.create(
        session=session,
        practice=practice,
        site=site,
        practitioner_role=session.practitioner_role,
        delivery_channel=session.delivery_channel,
        slot_type=session.slot_type,
        start=start,
        end=end,
        hub_opens_at=now,
        hub_closes_at=start,
        urgent_care_opens_at=now,
        urgent_care_closes_at=start,
    )
