"""Sessions to book into, published the way practices publish them."""

import datetime

import pytest
from django.utils import timezone

from booking.models import Audience, DeliveryChannel
from booking.services.sessions import RuleSpec, publish_sessions
from governance.models import Scope
from practices.models import Clinician
from tests.factories import ClinicianFactory, SiteFactory
from tests.governance.helpers import actor_for, agreement

HUB_NOW = RuleSpec(audience=Audience.HUB)


@pytest.fixture
def publish(practice_manager_a, practice_a):
    """Publish a session at practice A (or another practice, given its manager)."""

    def make(
        *,
        manager=None,
        days_ahead=2,
        start=datetime.time(18, 30),
        end=datetime.time(20, 0),
        minutes=15,
        rules=(HUB_NOW,),
        weeks=1,
        clinician=True,
        role=Clinician.JobRole.GP,
    ):
        manager = manager or practice_manager_a
        actor = actor_for(manager)
        practice = actor.membership.organisation
        site = SiteFactory(organisation=practice)
        doctor = ClinicianFactory(organisation=practice, job_role=role) if clinician else None
        return publish_sessions(
            by=actor,
            site=site,
            clinician=doctor,
            practitioner_role=role,
            session_type="GP extended access",
            slot_type="Routine appointment",
            delivery_channel=DeliveryChannel.IN_PERSON,
            first_date=timezone.localdate() + datetime.timedelta(days=days_ahead),
            start_time=start,
            end_time=end,
            slot_minutes=minutes,
            weeks=weeks,
            rules=rules,
        )

    return make


@pytest.fixture
def hub_books_for_a(hub, practice_a, practice_manager_a):
    return agreement(practice_a, hub, Scope.BOOKING, by=practice_manager_a)
