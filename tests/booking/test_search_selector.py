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
