"""A booking starts by loading its slot, and through the API its patient, with lookups
compiled once (core.db.CompiledLookup): what they load must be what the ORM loads."""

import uuid

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from booking.models import Audience
from booking.selectors import get_slot_for_booking_or_404
from booking.services.sessions import RuleSpec
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
