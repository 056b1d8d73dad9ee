"""Objects of patients online, made for tests."""

import datetime

from django.utils import timezone

from online.models import WaitingListEntry
from tests.factories import HubFactory, PatientFactory, UserFactory


def waiting_entry_at(practice, *, patient=None, hub=None, **preferences) -> WaitingListEntry:
    """A patient of `practice` waiting on the list of a hub it pools in (a new hub if none)."""
    if hub is None:
        hub = HubFactory()
        hub.member_practices.add(practice)
    return WaitingListEntry.objects.create(
        hub=hub,
        patient=patient or PatientFactory(registered_practice=practice),
        added_by=UserFactory(),
        expires_at=timezone.now() + datetime.timedelta(days=28),
        **preferences,
    )
