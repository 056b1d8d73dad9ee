"""Free-slot search: free_slots_for looks at up to twice a page of candidates, as restricted
slots may be hidden, the second half only when the first hid one; and its statement
written out for PostgreSQL reads what the ORM query reads."""

import datetime

from booking.models import Audience
from booking.search import free_slots_for
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
    from booking.search import SlotFilters, _Page, _page_rows_orm, _page_rows_sql
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
