"""The booking benchmark books exactly as the booking API does, through the service it calls,
and every booking it makes is in the audit trail."""

import random

from django.utils import timezone

from bench.booking import book_as_the_api_does
from bench.data import actor_for, bookable_slots
from governance.actions import Action
from governance.models import AuditEvent


def test_books_a_generated_slot_as_the_api_does_and_audits_it(generated):
    hub = generated.hubs[0]
    user = generated.receptionists[hub.pk][0]
    (bookable,) = bookable_slots(hub.pk, random.Random(1), limit=1)

    booking = book_as_the_api_does(
        actor_for(user.pk, hub.pk), bookable.slot_id, bookable.nhs_number, request_id="t-1"
    )

    assert str(booking.slot.public_id) == bookable.slot_id
    assert booking.patient.pk == bookable.patient_id
    assert booking.booking_organisation == hub
    assert booking.start > timezone.now()
    (event,) = AuditEvent.objects.filter(request_id="t-1")
    assert (event.action, event.chain, event.object_id) == (
        Action.BOOKING_CREATE,
        hub.pk,
        str(booking.public_id),
    )
