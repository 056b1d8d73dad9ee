"""Alerts to the practice and the organisation that booked, naming no patient, closed once
nothing is left to do."""

from booking.services import bookings, managing
from governance.models import Alert
from governance.selectors import alerts_for
from practices.clinical_systems.base import Rejected, SlotConflict, Unavailable
from tests.governance.helpers import actor_for
from tests.writeback.helpers import State, deliver, message_of
from writeback import services

# Alerts to the practice and the hub ----------------------------------------------------------


def _alerts(booking) -> list[Alert]:
    return list(Alert.objects.filter(reference=booking.public_id).order_by("organisation_id"))


def test_a_conflict_alerts_the_practice_and_the_hub_without_naming_the_patient(
    book, link_a, practice_system, hub, practice_a
):
    booking = book()
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")]
    deliver(message_of(booking))
    alerts = _alerts(booking)
    assert {a.organisation for a in alerts} == {practice_a, hub}
    assert {a.kind for a in alerts} == {Alert.Kind.WRITE_BACK_CONFLICT}
    message = alerts[0].message
    assert "Riverside Medical Centre" in message and "Aire Valley Hub" in message
    patient = booking.patient
    for identifier in (patient.family_name, patient.given_name, patient.nhs_number):
        assert identifier.lower() not in message.lower()


def test_refused_and_dead_write_backs_alert_both_organisations_once(
    book, link_a, practice_system, settings, hub, practice_a, practice_manager_a
):
    settings.WRITE_BACK_MAX_ATTEMPTS = 1
    refused, dead = book(), book()
    practice_system.faults["book"] = [Rejected("INVALID_RESOURCE"), Unavailable("503")]
    assert deliver(message_of(refused)) == State.FAILED
    assert deliver(message_of(dead)) == State.DEAD
    for booking in (refused, dead):
        assert [(a.organisation, a.kind) for a in _alerts(booking)] == [
            (practice_a, Alert.Kind.WRITE_BACK_FAILED),
            (hub, Alert.Kind.WRITE_BACK_FAILED),
        ]
    assert "refused" in _alerts(refused)[0].message
    assert "gave up" in _alerts(dead)[0].message
    # Sent again and given up again: still one alert each.
    services.retry_write_back(by=actor_for(practice_manager_a), message=message_of(dead))
    practice_system.faults["book"] = [Unavailable("503")]
    assert deliver(message_of(dead)) == State.DEAD
    assert len(_alerts(dead)) == 2


def test_an_alert_is_resolved_when_the_retry_gets_through(
    book, link_a, practice_system, settings, hub_receptionist
):
    settings.WRITE_BACK_MAX_ATTEMPTS = 1
    booking = book()
    practice_system.faults["book"] = [Unavailable("503")]
    deliver(message_of(booking))
    services.retry_write_back(by=actor_for(hub_receptionist), message=message_of(booking))
    assert all(a.resolved_at is None for a in _alerts(booking))  # not until it gets through
    assert deliver(message_of(booking)) == State.CONFIRMED
    assert all(a.resolved_at is not None for a in _alerts(booking))


def test_an_alert_is_resolved_by_rebooking_or_cancelling(
    book, link_a, practice_system, hub_receptionist
):
    moved, cancelled = book(), book()
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")] * 2
    deliver(message_of(moved))
    deliver(message_of(cancelled))
    bookings.rebook(
        by=actor_for(hub_receptionist),
        booking=moved,
        new_slot=next(book.slots),
        reason="The practice filled the slot",
    )
    managing.cancel_booking(
        by=actor_for(hub_receptionist), booking=cancelled, reason="Patient will call back"
    )
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()
    assert Alert.objects.count() == 4


def test_write_back_alerts_are_for_whoever_books_at_either_organisation(
    book, link_a, practice_system, hub, practice_a, hub_receptionist, receptionist_practice_a
):
    from practices.roles import Role
    from tests.factories import staff

    booking = book()
    practice_system.faults["book"] = [SlotConflict("DUPLICATE_REJECTED")]
    deliver(message_of(booking))
    for user, organisation in ((hub_receptionist, hub), (receptionist_practice_a, practice_a)):
        [alert] = alerts_for(user=user, organisation=organisation)
        assert alert.reference == booking.public_id
    ig_lead = staff(practice_a, Role.IG_LEAD)
    assert not alerts_for(user=ig_lead, organisation=practice_a).exists()
