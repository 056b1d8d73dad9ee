"""Booking past a release rule: only an embargo, a cut-off or a quota, only by someone who
runs the sessions of the practice that owns the slot, only with a reason, always audited;
everyone else sees the refusal and the nearest alternatives."""

import datetime
import re

import pytest
from django.urls import reverse

from booking.errors import SlotNotBookable
from booking.models import Audience, Booking, ReleaseRule
from booking.services import bookings
from booking.services.sessions import RuleSpec
from governance.models import AuditEvent, Scope
from practices.roles import Role
from tests.conftest import HUB_NOW
from tests.factories import AccessGrantFactory, PatientFactory, staff
from tests.governance.helpers import actor_for, agreement

EMBARGOED = RuleSpec(
    audience=Audience.HUB, opens=ReleaseRule.Opens.BEFORE_START, opens_minutes_before=60
)
CLOSED = RuleSpec(audience=Audience.HUB, cut_off_minutes=7 * 24 * 60)
ONE_EACH = RuleSpec(audience=Audience.HUB, quota_per_session=1)
ONLY_FOR_OTHERS = RuleSpec(audience=Audience.HUB, ods_codes=("Y99999",))


@pytest.fixture
def hub_books_for_b(hub, practice_b, practice_manager_b):
    return agreement(practice_b, hub, Scope.BOOKING, by=practice_manager_b)


@pytest.fixture
def publish_b(publish, practice_manager_b, hub_books_for_b):
    def make(rule: RuleSpec, **kwargs):
        [session] = publish(manager=practice_manager_b, rules=(rule,), **kwargs)
        return list(session.slots.order_by("start"))

    return make


@pytest.fixture
def hub_locum(hub, practice_b):
    """A hub receptionist who also works at practice B on an honorary contract, and so runs
    B's sessions, acting for the hub."""
    user = staff(hub, Role.HUB_RECEPTIONIST, username="hub.locum")
    AccessGrantFactory(user=user, organisation=practice_b, role=Role.PRACTICE_RECEPTIONIST)
    return user


@pytest.fixture
def as_hub(client_for, hub):
    def make(user):
        client = client_for(user)
        client.post(reverse("choose_organisation"), {"organisation": str(hub.public_id)})
        return client

    return make


def _key(response) -> str:
    return re.search(rb'name="idempotency_key" value="(\w+)"', response.content).group(1).decode()


def _try(client, slot, patient, **fields):
    url = reverse("booking:book", args=[slot.public_id])
    page = client.get(url, {"patient": patient.public_id})
    data = {
        "patient": patient.public_id,
        "idempotency_key": _key(page),
        "description": "Wound check",
        "comment": "",
        **fields,
    }
    return client.post(url, data), data


# The service -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "code"), [(EMBARGOED, "embargoed"), (CLOSED, "cut-off"), (ONE_EACH, "quota-reached")]
)
def test_a_practice_session_runner_books_past_an_embargo_cut_off_or_quota_with_a_reason(
    publish_b, hub_locum, hub, hub_books_for_a, practice_a, rule, code
):
    slots = publish_b(rule)
    actor = actor_for(hub_locum, hub)
    if rule is ONE_EACH:
        bookings.book_slot(
            by=actor, slot=slots[1], patient=PatientFactory(registered_practice=practice_a)
        )
    patient = PatientFactory(registered_practice=practice_a)
    with pytest.raises(SlotNotBookable) as refused:
        bookings.book_slot(by=actor, slot=slots[0], patient=patient)
    assert refused.value.reason_code == code

    booking = bookings.book_slot(
        by=actor, slot=slots[0], patient=patient, override_reason="  GP asked to see them  "
    )

    assert booking.booking_organisation == hub and booking.channel == Booking.Channel.HUB
    assert booking.rule_override_reason == "GP asked to see them"
    override = AuditEvent.objects.get(action="booking.rule-override")
    assert (override.patient, override.object_id, override.reason) == (
        patient,
        str(booking.public_id),
        code,
    )
    assert override.actor == hub_locum and override.actor_organisation_ods == hub.ods_code
    created = AuditEvent.objects.filter(action="booking.create", object_id=str(booking.public_id))
    assert created.get().reason == f"override:{code}"


def test_an_override_by_someone_who_does_not_run_the_practices_sessions_is_refused(
    publish_b, hub_receptionist, hub_manager, hub_books_for_a, patient_a, practice_manager_a
):
    """Running sessions at another practice (or managing the hub) is not enough."""
    slots = publish_b(EMBARGOED)
    for user in (hub_receptionist, hub_manager):
        with pytest.raises(SlotNotBookable) as refused:
            bookings.book_slot(
                by=actor_for(user), slot=slots[0], patient=patient_a, override_reason="Urgent"
            )
        assert refused.value.reason_code == "embargoed"
    assert not Booking.objects.exists()
    assert not AuditEvent.objects.filter(action="booking.rule-override").exists()


def test_who_a_slot_is_for_is_never_overridden(
    publish_b, hub_locum, hub, hub_books_for_a, patient_a
):
    slots = publish_b(ONLY_FOR_OTHERS)
    with pytest.raises(SlotNotBookable) as refused:
        bookings.book_slot(
            by=actor_for(hub_locum, hub), slot=slots[0], patient=patient_a, override_reason="x"
        )
    assert refused.value.reason_code == "ods-not-listed"
    assert not Booking.objects.exists()


def test_a_reason_given_when_no_rule_refuses_is_not_recorded_as_an_override(
    publish_b, hub_locum, hub, hub_books_for_a, patient_a
):
    slots = publish_b(HUB_NOW)
    booking = bookings.book_slot(
        by=actor_for(hub_locum, hub),
        slot=slots[0],
        patient=patient_a,
        override_reason="Just in case",
    )
    assert booking.rule_override_reason == ""
    assert not AuditEvent.objects.filter(action="booking.rule-override").exists()
    created = AuditEvent.objects.filter(action="booking.create", object_id=str(booking.public_id))
    assert not created.get().reason.startswith("override")


def test_a_blank_reason_is_no_override(publish_b, hub_locum, hub, hub_books_for_a, patient_a):
    slots = publish_b(EMBARGOED)
    with pytest.raises(SlotNotBookable):
        bookings.book_slot(
            by=actor_for(hub_locum, hub), slot=slots[0], patient=patient_a, override_reason="   "
        )


# The booking page ------------------------------------------------------------------------


def test_a_refusal_that_cannot_be_overridden_by_this_booker_shows_the_alternatives(
    client_for, publish_b, hub_receptionist, hub_books_for_a, patient_a
):
    embargoed = publish_b(EMBARGOED)
    open_now = publish_b(HUB_NOW, start=datetime.time(20), end=datetime.time(21))
    response, _ = _try(client_for(hub_receptionist), embargoed[0], patient_a)
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Released to the hub from 1 hour before the start: bookable from" in page
    assert 'name="override_reason"' not in page and "Override the rule" not in page
    assert "Nearest free slots like this one" in page
    assert reverse("booking:book", args=[open_now[0].public_id]) in page
    assert not Booking.objects.exists()


def test_a_session_runner_is_offered_an_override_with_a_reason(
    as_hub, publish_b, hub_locum, hub_books_for_a, patient_a, practice_b
):
    slots = publish_b(EMBARGOED)
    response, _ = _try(as_hub(hub_locum), slots[0], patient_a)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The release rules do not allow this booking now" in page
    assert "Released to the hub from 1 hour before the start: bookable from" in page
    assert f"You run {practice_b.name}'s sessions, so you can override the rule" in page
    assert (
        '<label class="nhsuk-label" for="id_override_reason">Reason for overriding the rule</label>'
        in page
    )
    assert 'name="override" value="on"' in page
    assert "Override the rule and book" in page
    assert 'value="Wound check"' in page  # the details typed are kept
    assert not Booking.objects.exists()


def test_overriding_needs_a_reason_of_at_most_500_characters(
    as_hub, publish_b, hub_locum, hub_books_for_a, patient_a
):
    slots = publish_b(EMBARGOED)
    client = as_hub(hub_locum)
    for reason, message in (
        ("", "Enter a reason for overriding the rule"),
        ("x" * 501, "The reason must be 500 characters or fewer"),
    ):
        response, _ = _try(client, slots[0], patient_a, override="on", override_reason=reason)
        page = response.content.decode()
        assert f'<a href="#id_override_reason">{message}</a>' in page
        assert 'id="id_override_reason-error"' in page
        # Still offered, with the rule that refuses said again.
        assert "The release rules do not allow this booking now" in page
        assert "bookable from" in page
    assert not Booking.objects.exists()
    assert not AuditEvent.objects.filter(action="booking.rule-override").exists()


def test_a_session_runner_overrides_an_embargo_and_everyone_concerned_sees_why(
    as_hub, client_for, publish_b, hub_locum, hub_books_for_a, patient_a, practice_manager_b
):
    slots = publish_b(EMBARGOED)
    client = as_hub(hub_locum)
    _, data = _try(client, slots[0], patient_a)
    response = client.post(
        reverse("booking:book", args=[slots[0].public_id]),
        {**data, "override": "on", "override_reason": "Dressing must be changed tonight"},
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking:confirmation", args=[booking.public_id])
    assert booking.rule_override_reason == "Dressing must be changed tonight"
    assert AuditEvent.objects.get(action="booking.rule-override").reason == "embargoed"
    confirmation = client.get(response["Location"])
    assert b"Dressing must be changed tonight" in confirmation.content
    detail = client_for(practice_manager_b).get(
        reverse("booking:booking", args=[booking.public_id])
    )
    assert b"Release rules overridden" in detail.content
    assert b"Dressing must be changed tonight" in detail.content


def test_a_refusal_no_one_may_override_is_shown_without_the_override(
    as_hub, publish_b, hub_locum, hub_books_for_a, patient_a
):
    slots = publish_b(ONLY_FOR_OTHERS)
    response, _ = _try(as_hub(hub_locum), slots[0], patient_a)
    page = response.content.decode()
    assert "Released to the hub only for named organisations (Y99999)" in page
    assert 'name="override_reason"' not in page


def test_an_override_posted_by_someone_not_permitted_books_nothing(
    client_for, publish_b, hub_receptionist, hub_books_for_a, patient_a
):
    slots = publish_b(EMBARGOED)
    response, _ = _try(
        client_for(hub_receptionist), slots[0], patient_a, override="on", override_reason="Let me"
    )
    assert response.status_code == 200
    assert b"bookable from" in response.content
    assert b'name="override_reason"' not in response.content
    assert not Booking.objects.exists()
    assert not AuditEvent.objects.filter(action="booking.rule-override").exists()


def test_the_api_books_past_an_embargo_with_a_reason_and_refuses_without_one(
    publish_b, hub_locum, hub, hub_books_for_a, patient_a
):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    slots = publish_b(EMBARGOED)
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=hub_locum).key}",
        HTTP_X_ACTING_ORGANISATION=hub.ods_code,
    )
    body = {
        "slot_id": str(slots[0].public_id),
        "nhs_number": patient_a.nhs_number,
        "description": "Review",
    }

    refused = client.post(reverse("api:booking_create"), body, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "slot-not-bookable"

    booked = client.post(
        reverse("api:booking_create"),
        {**body, "override_reason": "GP asked to see them"},
        format="json",
    )
    assert booked.status_code == 201, booked.json()
    booking = Booking.objects.get(public_id=booked.json()["id"])
    assert booking.rule_override_reason == "GP asked to see them"
    assert AuditEvent.objects.filter(action="booking.rule-override").count() == 1
