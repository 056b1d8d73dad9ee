"""The release rules applied to stored sessions, slots and organisations: booking reads a
session's rules as the ORM does, and search and booking see every kind of organisation as
the same audience."""

import datetime

import pytest
from django.utils import timezone

from booking.models import Audience, Booking, ReleaseRule
from booking.release_rules import stored
from booking.release_rules.terms import Code
from booking.search import free_slots_for
from booking.services.bookings import book_slot
from booking.services.sessions import RuleSpec
from governance.models import Scope
from practices.models import ROLES_BY_KIND, Organisation
from practices.roles import Role
from tests.factories import OrganisationFactory, PatientFactory, staff
from tests.governance.helpers import actor_for, agreement

OPEN = RuleSpec(audience=Audience.HUB)


def test_booking_reads_a_sessions_rules_as_the_orm_does(publish):
    """Booking reads a session's rules with a statement of its own; every kind of rule comes
    back as the ORM gives it."""
    [session] = publish(
        rules=(
            OPEN,
            RuleSpec(
                audience=Audience.URGENT_CARE,
                opens=ReleaseRule.Opens.ON_DAY,
                opens_days_before=1,
                opens_time=datetime.time(8, 30),
                cut_off_minutes=30,
                organisation_types=("urgent-care",),
                quota_per_session=2,
            ),
            RuleSpec(
                audience=Audience.ONLINE,
                opens=ReleaseRule.Opens.BEFORE_START,
                opens_minutes_before=2880,
                ods_codes=("A10001", "B20002"),
                quota_per_day=3,
            ),
        )
    )

    expected = [stored.as_release(rule) for rule in session.rules.order_by("id")]
    assert [stored.as_release(rule) for rule in stored.rules_of([session.pk])] == expected
    assert len(expected) == 3


# One audience for search and booking -------------------------------------------------------


def _partner(kind: str, practice, manager) -> Organisation:
    """An organisation of this kind that books into `practice`'s slots: the practice itself,
    or a partner with a booking agreement (a hub it is a member of)."""
    if kind == Organisation.Kind.GP_PRACTICE:
        return practice
    partner = OrganisationFactory(kind=kind)
    if kind == Organisation.Kind.HUB:
        partner.member_practices.add(practice)
    agreement(practice, partner, Scope.BOOKING, by=manager)
    return partner


def _someone_at(organisation: Organisation):
    """A member of staff there, in a role the organisation's kind allows (search reads only
    whom they work for)."""
    allowed = ROLES_BY_KIND[organisation.kind]
    return staff(
        organisation,
        next(
            r
            for r in (Role.CLINICIAN, Role.URGENT_CARE_CLINICIAN, Role.CARE_COORDINATOR)
            if r in allowed
        ),
    )


def _in_a_week(actor):
    now = timezone.now()
    return free_slots_for(actor=actor, start=now, end=now + datetime.timedelta(days=7))


@pytest.mark.parametrize("kind", Organisation.Kind.values)
def test_search_offers_exactly_the_slots_booking_accepts_for_every_kind_of_organisation(
    kind, publish, practice_a, practice_manager_a
):
    """Search and booking see an organisation as one audience: a slot search shows is one
    the rules let it book, and the other way round."""
    for audience in (Audience.HUB, Audience.URGENT_CARE, Audience.ONLINE):
        publish(rules=(RuleSpec(audience=audience),))
    publish(rules=())  # the practice's own
    organisation = _partner(kind, practice_a, practice_manager_a)
    now = timezone.now()

    shown = _in_a_week(actor_for(_someone_at(organisation)))
    bookable = [
        slot
        for session in practice_a.sessions.prefetch_related("slots__practice")
        for slot in session.slots.all()
        if stored.check_booking(
            slot=slot, session=session, organisation=organisation, now=now
        ).allowed
    ]

    assert shown, f"a {kind} is shown some slot"
    assert sorted(slot.pk for slot in shown) == sorted(slot.pk for slot in bookable)


@pytest.mark.parametrize("kind", [Organisation.Kind.CARE_HOME, Organisation.Kind.COMMUNITY])
def test_a_care_home_or_community_service_may_book_the_hub_released_slot_search_shows_it(
    kind, publish, practice_a, practice_manager_a
):
    """They book as the hub does, through a booking agreement: they used to be shown the
    hub's slots and then refused them as another practice's."""
    [session] = publish(rules=(OPEN,))
    partner = _partner(kind, practice_a, practice_manager_a)

    [first, *_] = _in_a_week(actor_for(_someone_at(partner)))
    verdict = stored.check_booking(
        slot=session.slots.get(pk=first.pk),
        session=session,
        organisation=partner,
        now=timezone.now(),
    )

    assert first.session_id == session.pk
    assert (verdict.allowed, verdict.code, verdict.reason) == (
        True,
        Code.RELEASED,
        "Released to the hub.",
    )


def test_a_community_service_books_a_hub_released_slot(publish, practice_a, practice_manager_a):
    [session] = publish(rules=(OPEN,))
    community = _partner(Organisation.Kind.COMMUNITY, practice_a, practice_manager_a)
    nurse = actor_for(staff(community, Role.CLINICIAN))
    [first, *_] = _in_a_week(nurse)

    booking = book_slot(
        by=nurse,
        slot=session.slots.get(pk=first.pk),
        patient=PatientFactory(registered_practice=practice_a),
        description="Medication review",
    )

    assert booking.booking_organisation == community
    assert (booking.status, booking.channel) == (Booking.Status.BOOKED, Booking.Channel.HUB)


def test_an_organisation_searches_and_books_as_its_kind_says():
    audiences = {
        kind: stored.audience_for(Organisation(kind=kind)) for kind in Organisation.Kind.values
    }

    assert audiences == {
        Organisation.Kind.GP_PRACTICE: Audience.PRACTICE,
        Organisation.Kind.HUB: Audience.HUB,
        Organisation.Kind.URGENT_CARE: Audience.URGENT_CARE,
        Organisation.Kind.OUT_OF_HOURS: Audience.URGENT_CARE,
        Organisation.Kind.NHS_111: Audience.URGENT_CARE,
        Organisation.Kind.CARE_HOME: Audience.HUB,
        Organisation.Kind.COMMUNITY: Audience.HUB,
        Organisation.Kind.HOSPITAL: Audience.HUB,
        Organisation.Kind.SOCIAL_CARE: Audience.HUB,
    }
    for kind, audience in audiences.items():
        assert stored.searcher_for(Organisation(kind=kind, ods_code="x1")).audience == audience
