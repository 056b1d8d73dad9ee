"""Booking's reads: the practices an organisation pools with, as search's written-out
statement reads them, and the slot a booking starts from, loaded by a lookup compiled once
(core.db.CompiledLookup), which must load what the ORM loads."""

import datetime
import uuid

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import Audience
from booking.selectors import get_slot_for_booking_or_404, sessions_of
from booking.services.sessions import RuleSpec, cancel_session
from tests.governance.helpers import actor_for


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.parametrize("linked", [True, False])
@pytest.mark.parametrize("with_clinician", [True, False])
def test_slot_to_book_is_loaded_as_the_orm_loads_it(
    publish, hub_receptionist, hub_books_for_a, practice_a, linked, with_clinician
):
    """The booking's slot comes from a statement compiled once; it, and every row loaded
    with it, are what the ORM's query gives, missing relations included."""
    from booking.models import Slot
    from practices.models import ClinicalSystemLink

    if linked:
        ClinicalSystemLink.objects.create(practice=practice_a, base_url="http://a.test/")
    [session] = publish(clinician=with_clinician)
    slot = session.slots.first()
    related = ("practice__clinical_system_link", "site", "clinician", "session")
    expected = Slot.objects.select_related(*related).get(pk=slot.pk)

    found = get_slot_for_booking_or_404(actor=actor_for(hub_receptionist), public_id=slot.public_id)

    with CaptureQueriesContext(connection) as later:
        assert _values(found) == _values(expected)
        for name in ("site", "session", "practice"):
            assert _values(getattr(found, name)) == _values(getattr(expected, name))
        assert (found.clinician and _values(found.clinician)) == (
            expected.clinician and _values(expected.clinician)
        )
        link = getattr(found.practice, "clinical_system_link", None)
        assert (link and _values(link)) == (
            _values(expected.practice.clinical_system_link) if linked else None
        )
    assert later.captured_queries == []  # all of it loaded with the slot


def test_slot_to_book_that_is_not_a_slot_is_not_found(hub_receptionist, hub_books_for_a):
    actor = actor_for(hub_receptionist)
    for public_id in (uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(Http404):
            get_slot_for_booking_or_404(actor=actor, public_id=public_id)


def test_a_compiled_lookup_converts_values_as_the_orm_does(publish):
    """JSON is decoded by a converter of the field's, which the compiled lookup applies."""
    from booking.models import ReleaseRule
    from core.db import CompiledLookup

    [session] = publish(rules=(RuleSpec(audience=Audience.ONLINE, ods_codes=("A10001",)),))
    rule = session.rules.get()

    found = CompiledLookup(ReleaseRule.objects.select_related("session"), "id").get(rule.pk)

    assert found.ods_codes == ["A10001"] and found.organisation_types == []
    assert _values(found) == _values(ReleaseRule.objects.get(pk=rule.pk))
    assert found.session == session


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


def test_sessions_of_are_the_practices_own_from_a_moment_cancelled_ones_too(
    publish, practice_manager_a, practice_manager_b
):
    ours = publish(weeks=2)
    publish(manager=practice_manager_b)
    actor = actor_for(practice_manager_a)
    cancel_session(by=actor, session=ours[0], reason="GP unwell")
    found = sessions_of(actor=actor, start=timezone.now()).order_by("starts_at")
    assert list(found) == ours
    later = sessions_of(actor=actor, start=ours[1].starts_at)
    assert list(later) == [ours[1]]
