"""free_slots_for looks at up to twice a page of candidates, as restricted slots may be
hidden; the second half is read only when the first hid one."""

import datetime

from booking.models import Audience
from booking.selectors import free_slots_for
from booking.services.sessions import RuleSpec
from tests.governance.helpers import actor_for

HIDDEN = RuleSpec(audience=Audience.HUB, ods_codes=("Y99999",))  # another organisation's
OPEN = RuleSpec(audience=Audience.HUB)


def _search(actor, limit) -> list[int]:
    now = datetime.datetime.now(datetime.UTC)
    found = free_slots_for(
        actor=actor, start=now, end=now + datetime.timedelta(days=7), limit=limit
    )
    return [slot.pk for slot in found]


def _pks(slots) -> list[int]:
    return [slot.pk for slot in slots]


def test_search_skips_hidden_slots_to_fill_the_page(publish, hub_receptionist, hub_books_for_a):
    publish(start=datetime.time(18, 0), end=datetime.time(18, 30), minutes=10, rules=(HIDDEN,))
    [open_session] = publish(start=datetime.time(18, 30), end=datetime.time(19, 30), minutes=10)
    open_slots = _pks(open_session.slots.order_by("start"))

    assert _search(actor_for(hub_receptionist), limit=3) == open_slots[:3]  # 3 hidden, then 3 shown


def test_search_looks_no_further_than_twice_the_page(publish, hub_receptionist, hub_books_for_a):
    publish(start=datetime.time(18, 0), end=datetime.time(18, 30), minutes=10, rules=(HIDDEN,))
    [open_session] = publish(start=datetime.time(18, 30), end=datetime.time(19, 30), minutes=10)

    # Four candidates: three hidden and the first open one.
    assert _search(actor_for(hub_receptionist), limit=2) == [
        open_session.slots.order_by("start").first().pk
    ]


def test_search_without_hidden_slots_reads_one_batch(
    publish, hub_receptionist, hub_books_for_a, django_assert_num_queries
):
    [session] = publish(start=datetime.time(18, 30), end=datetime.time(19, 30), minutes=10)

    actor = actor_for(hub_receptionist)

    with django_assert_num_queries(2):  # the pooled practices; one page of slots
        found = _search(actor, limit=3)

    assert found == _pks(session.slots.order_by("start"))[:3]


def test_search_statement_on_postgresql_reads_what_the_orm_query_reads(
    publish, practice_a, hub_books_for_a
):
    """Search runs a hand-written statement on PostgreSQL and the ORM query elsewhere: the
    two give the same rows, in the same order, for every filter, audience and page."""
    from booking.models import DeliveryChannel, Slot
    from booking.selectors import SlotFilters, _Page, _page_rows_orm, _page_rows_sql
    from practices.models import Clinician

    everyone = (OPEN, RuleSpec(audience=Audience.URGENT_CARE), RuleSpec(audience=Audience.ONLINE))
    for day in range(1, 8):  # every day of the week
        publish(
            days_ahead=day, start=datetime.time(18, 30), end=datetime.time(20, 0), rules=everyone
        )
    [morning] = publish(
        days_ahead=3,
        start=datetime.time(9, 0),
        end=datetime.time(10, 0),
        role=Clinician.JobRole.ADVANCED_PRACTITIONER,
        clinician=False,
        rules=(OPEN,),
    )
    slots = list(Slot.objects.order_by("start", "id"))
    Slot.objects.filter(pk__in=[s.pk for s in slots[::4]]).update(
        delivery_channel=DeliveryChannel.TELEPHONE, slot_type="Urgent appointment"
    )
    Slot.objects.filter(pk=slots[5].pk).update(status=Slot.Status.BLOCKED)
    now = datetime.datetime.now(datetime.UTC)
    middle = slots[len(slots) // 2]
    every_filter = [
        SlotFilters(),
        SlotFilters(sites=(morning.site_id,)),
        SlotFilters(practitioner_roles=(Clinician.JobRole.GP,)),
        SlotFilters(delivery_channels=(DeliveryChannel.TELEPHONE,)),
        SlotFilters(slot_types=("Urgent appointment", "Other")),
        SlotFilters(weekdays=(6, 7)),
        SlotFilters(weekdays=(1, 2, 3, 4, 5)),
        SlotFilters(from_time=datetime.time(8, 0), to_time=datetime.time(12, 0)),
        SlotFilters(from_time=datetime.time(19, 0)),
        SlotFilters(to_time=datetime.time(19, 0), weekdays=(2, 4)),
    ]
    seen = 0
    for audience in Audience.values:
        for filters in every_filter:
            for after in (None, (middle.start, middle.pk)):
                for limit in (3, 200):
                    page = _Page(
                        practices=[practice_a.pk],
                        audience=audience,
                        now=now,
                        start=now,
                        end=now + datetime.timedelta(days=14),
                        filters=filters,
                        limit=limit,
                    )
                    expected = _page_rows_orm(page, after)
                    assert _page_rows_sql(page, after) == expected, (audience, filters, after)
                    seen += len(expected)
                    everything = (audience, filters, after, limit) == (
                        Audience.HUB,
                        SlotFilters(),
                        None,
                        200,
                    )
                    if everything:  # released to the hub: all but the blocked slot
                        assert len(expected) == len(slots) - 1
    assert seen > 1000


def test_pooled_practice_keys_are_the_pooled_practices(
    hub, ae_department, practice_a, practice_b, practice_manager_a
):
    """pooled_practice_ids writes out the query pooled_practices defines: the same practices
    for a hub (members only), an urgent care partner and a practice, whatever the state,
    dates and scope of their agreements."""
    from booking.selectors import pooled_practice_ids, pooled_practices
    from governance.models import Scope, SharingAgreement
    from tests.factories import PracticeFactory
    from tests.governance.helpers import agreement

    def same(organisation) -> list[int]:
        keys = pooled_practice_ids(organisation)
        assert keys == sorted(pooled_practices(organisation).values_list("pk", flat=True))
        return keys

    assert same(hub) == [] and same(ae_department) == []
    outsider = PracticeFactory(ods_code="C30003")  # not a member of the hub
    for practice in (practice_a, outsider):
        for partner in (hub, ae_department):
            agreement(practice, partner, Scope.BOOKING, by=practice_manager_a)
    lapsed = agreement(practice_b, hub, Scope.BOOKING, by=practice_manager_a, days=-1)
    agreement(practice_b, hub, Scope.RECORD_VIEW, by=practice_manager_a)  # not for booking
    agreement(
        practice_b,
        ae_department,
        Scope.BOOKING,
        by=practice_manager_a,
        status=SharingAgreement.Status.PROPOSED,
    )
    agreement(hub, ae_department, Scope.BOOKING, by=practice_manager_a)  # a hub is no practice

    assert same(hub) == [practice_a.pk]
    assert same(ae_department) == sorted([practice_a.pk, outsider.pk])
    assert same(practice_b) == [practice_b.pk]
    lapsed.ends_on = lapsed.starts_on + datetime.timedelta(days=30)  # renewed
    lapsed.save(update_fields=["ends_on"])
    assert same(hub) == sorted([practice_a.pk, practice_b.pk])


def test_booking_reads_a_sessions_rules_as_the_orm_does(publish):
    """Booking reads a session's rules with a statement of its own; every kind of rule comes
    back as the ORM gives it."""
    from booking import releases
    from booking.models import ReleaseRule

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

    expected = [releases.pure_rule(rule) for rule in session.rules.order_by("id")]
    assert [releases.pure_rule(rule) for rule in releases.rules_of([session.pk])] == expected
    assert len(expected) == 3
