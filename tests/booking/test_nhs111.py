"""The daily reservation for NHS 111 direct booking: a practice keeps N slots a day, a job
keeps them reserved spread across each coming day, once however often it runs; NHS 111 sees
and books them, nobody else does, and the diaries show them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from booking import nhs111
from booking.errors import SlotNotBookable
from booking.models import Audience
from booking.search import free_slots_for
from booking.services import bookings, sessions
from booking.services.sessions import RuleSpec
from governance.models import AuditEvent, Scope
from practices.models import Organisation
from practices.roles import Role
from tests.factories import OrganisationFactory, staff
from tests.governance.helpers import actor_for, agreement

HUB_AND_URGENT_CARE = (RuleSpec(audience=Audience.HUB), RuleSpec(audience=Audience.URGENT_CARE))


@pytest.fixture
def nhs111_clinician(practice_a, practice_manager_a):
    service = OrganisationFactory(kind=Organisation.Kind.NHS_111, name="NHS 111 Yorkshire")
    agreement(practice_a, service, Scope.BOOKING, by=practice_manager_a)
    return staff(service, Role.URGENT_CARE_CLINICIAN)


@pytest.fixture
def ooh_clinician(practice_a, practice_manager_a):
    service = OrganisationFactory(kind=Organisation.Kind.OUT_OF_HOURS)
    agreement(practice_a, service, Scope.BOOKING, by=practice_manager_a)
    return staff(service, Role.URGENT_CARE_CLINICIAN)


@pytest.fixture
def session(publish):
    """Six slots, 6:30pm to 8pm, two days ahead, open to the hub and urgent care."""
    (published,) = publish(rules=HUB_AND_URGENT_CARE)
    return published


def _keep(practice_manager, per_day, list_size=3_000):
    nhs111.set_reservation(
        by=actor_for(practice_manager),
        practice=practice_manager.memberships.get().organisation,
        list_size=list_size,
        slots_per_day=per_day,
    )
    return nhs111.keep_reservations()


def _reserved(session):
    return list(session.slots.filter(reserved_for="nhs-111").order_by("start"))


def _found(user, session):
    found = free_slots_for(
        actor=actor_for(user),
        start=session.starts_at - datetime.timedelta(hours=1),
        end=session.ends_at,
    )
    return {slot.pk for slot in found}


@pytest.mark.parametrize(
    ("list_size", "minimum"), [(0, 0), (1, 1), (3_000, 1), (3_001, 2), (9_000, 3)]
)
def test_the_contract_asks_one_a_day_per_3000_patients_or_part(list_size, minimum):
    assert nhs111.contract_minimum(list_size) == minimum


def test_fewer_than_the_contract_asks_is_refused(practice_manager_a, practice_a):
    with pytest.raises(ValidationError, match="at least 3 a day"):
        nhs111.set_reservation(
            by=actor_for(practice_manager_a),
            practice=practice_a,
            list_size=8_500,
            slots_per_day=2,
        )


def test_the_job_reserves_the_days_number_spread_out_once_and_audited(practice_manager_a, session):
    assert _keep(practice_manager_a, per_day=2) == 2
    assert nhs111.keep_reservations() == 0  # the job runs again: nothing more
    slots = list(session.slots.order_by("start"))
    assert _reserved(session) == [slots[1], slots[4]]  # spread across the evening
    for slot in _reserved(session):
        assert slot.hub_opens_at is None and slot.online_opens_at is None
        assert slot.urgent_care_opens_at is not None and slot.restricted
    events = AuditEvent.objects.filter(action="slot.reserve-111")
    assert events.count() == 2 and {e.reason for e in events} == {"to=nhs-111"}
    assert AuditEvent.objects.filter(action="reservation-111.set").count() == 1


def test_nhs_111_sees_and_books_a_reserved_slot_and_nobody_else_does(
    practice_manager_a,
    session,
    hub_receptionist,
    hub_books_for_a,
    nhs111_clinician,
    ooh_clinician,
    patient_a,
):
    _keep(practice_manager_a, per_day=1)
    (reserved,) = _reserved(session)
    assert reserved.pk in _found(nhs111_clinician, session)
    assert reserved.pk not in _found(ooh_clinician, session)
    assert reserved.pk not in _found(hub_receptionist, session)
    assert len(_found(hub_receptionist, session)) == 5  # the rest are the hub's as before
    with pytest.raises(SlotNotBookable):
        bookings.book_slot(by=actor_for(hub_receptionist), slot=reserved, patient=patient_a)
    booking = bookings.book_slot(by=actor_for(nhs111_clinician), slot=reserved, patient=patient_a)
    assert booking.channel == "nhs-111"
    assert nhs111.keep_reservations() == 0  # a booked reserved slot still counts as offered


def test_the_practice_itself_can_still_book_a_reserved_slot(
    practice_manager_a, session, receptionist_practice_a, patient_a
):
    _keep(practice_manager_a, per_day=1)
    (reserved,) = _reserved(session)
    booking = bookings.book_slot(
        by=actor_for(receptionist_practice_a), slot=reserved, patient=patient_a
    )
    assert booking.slot == reserved


def test_fewer_a_day_gives_free_reserved_slots_back_to_the_sessions_rules(
    practice_manager_a, session
):
    _keep(practice_manager_a, per_day=3)
    assert _keep(practice_manager_a, per_day=1) == 2
    assert len(_reserved(session)) == 1
    given_back = session.slots.filter(reserved_for="").order_by("start")
    assert all(slot.hub_opens_at is not None for slot in given_back)
    assert AuditEvent.objects.filter(action="slot.unreserve-111").count() == 2


def test_changing_the_sessions_rules_keeps_the_reservation(practice_manager_a, session):
    _keep(practice_manager_a, per_day=1)
    sessions.set_release_rules(
        by=actor_for(practice_manager_a),
        session=session,
        rules=(RuleSpec(audience=Audience.HUB),),
    )
    (reserved,) = _reserved(session)
    assert reserved.hub_opens_at is None and reserved.urgent_care_opens_at is not None


def test_the_diaries_show_what_is_kept_for_nhs_111(
    client_for, practice_manager_a, session, hub_receptionist, hub_books_for_a
):
    _keep(practice_manager_a, per_day=1)
    day = timezone.localtime(session.starts_at).date().isoformat()
    practice = client_for(practice_manager_a).get(reverse("booking:practice_diary"), {"date": day})
    assert "Kept for NHS 111" in practice.content.decode()
    pooled = client_for(hub_receptionist).get(reverse("booking:diary"), {"date": day})
    content = pooled.content.decode()
    (reserved,) = _reserved(session)
    assert "Kept for NHS 111" in content
    assert reverse("booking:book", args=[reserved.public_id]) not in content


def test_the_practice_sets_its_number_and_is_told_the_contracts_minimum(
    client_for, practice_manager_a
):
    client = client_for(practice_manager_a)
    url = reverse("booking:nhs111_reservation")
    refused = client.post(url, {"list_size": "9000", "slots_per_day": "1"})
    assert "the GP contract asks for at least 3 a day" in refused.content.decode()
    assert "nhsuk-error-summary" in refused.content.decode()
    assert client.post(url, {"list_size": "9000", "slots_per_day": "4"}).status_code == 302
    page = client.get(url).content.decode()
    assert "You keep <strong>4</strong> a day" in page


def test_slots_about_to_start_are_not_taken_for_a_reservation(practice_manager_a, session):
    nhs111.set_reservation(
        by=actor_for(practice_manager_a),
        practice=session.practice,
        list_size=3_000,
        slots_per_day=6,
    )
    ten_minutes_before = session.starts_at - datetime.timedelta(minutes=10)
    assert nhs111.keep_reservations(now=ten_minutes_before) == 4
    starts = [timezone.localtime(slot.start).time() for slot in _reserved(session)]
    assert starts[0] == datetime.time(19, 0)  # 6:30pm and 6:45pm are too soon


def test_an_unused_reservation_goes_to_every_urgent_care_service_two_hours_before(
    practice_manager_a, session, ooh_clinician, hub_receptionist, hub_books_for_a
):
    _keep(practice_manager_a, per_day=1)
    (reserved,) = _reserved(session)
    three_hours_before = reserved.start - datetime.timedelta(hours=3)
    two_hours_before = reserved.start - datetime.timedelta(hours=2)
    ooh = actor_for(ooh_clinician)
    assert not _may_book(ooh, reserved, three_hours_before)
    assert _may_book(ooh, reserved, two_hours_before)
    assert not _may_book(actor_for(hub_receptionist), reserved, two_hours_before)


def _may_book(actor, slot, now) -> bool:
    from booking.release_rules import stored

    verdict = stored.check_booking(
        slot=slot, session=slot.session, organisation=actor.membership.organisation, now=now
    )
    return verdict.allowed
