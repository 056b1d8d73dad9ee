"""The hub's GP Connect endpoint beyond what every provider answers (that is
tests/gpconnect/provider): the booking it makes, the release rules it keeps, who may call it,
their budget and the audit trail."""

import datetime

import pytest
from celery import current_app
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import RSAKey

from booking.models import Audience, Booking, Slot
from booking.services.sessions import RuleSpec, set_release_rules
from governance.audit import Actor
from governance.models import AuditEvent
from gpconnect.rest import Interaction
from gpconnect.times import format_instant
from gpconnect_facade.consumers import register_consumer
from practices.models import ClinicalSystemLink
from tests.factories import UrgentCareFactory
from tests.governance.helpers import actor_for
from tests.gpconnect.provider.hosts import claims_for
from tests.gpconnect.sandbox.harness import PRACTICE, running_sandbox
from writeback import slot_import, tasks
from writeback.models import WriteBackMessage


def test_a_booking_is_the_consumers_in_the_hub_diary(facade, ae_department, hub_for_consumer):
    booked = facade.book_one()

    booking = Booking.objects.get(public_id=booked["id"])
    assert booking.booking_organisation == ae_department
    assert booking.channel == Booking.Channel.A_AND_E
    assert booking.patient == hub_for_consumer
    assert booking.slot.status == Slot.Status.BOOKED
    assert booking.description == "Chest pain, seen in A&E"
    contained = booked["contained"][0]
    assert contained["identifier"][0]["value"] == ae_department.ods_code


def test_a_booking_is_written_back_to_the_practices_own_system(
    facade, practice_a, practice_manager_a, monkeypatch
):
    """Practice A's slots imported from its own system (the sandbox), released to urgent
    care: a consumer's booking of one reaches the practice's appointment book."""
    monkeypatch.setattr(current_app, "send_task", lambda *a, **k: None)
    monkeypatch.setattr(tasks.deliver_write_back, "apply_async", lambda *a, **k: None)
    assert practice_a.ods_code == PRACTICE
    with running_sandbox() as sandbox:
        link = ClinicalSystemLink.objects.create(
            practice=practice_a,
            base_url=sandbox.url,
            enabled=True,
            switched_by=practice_manager_a,
            switched_at=timezone.now(),
        )
        assert slot_import.import_practice_slots(link=link, horizon_days=7).added
        slot = (
            Slot.objects.filter(practice=practice_a, start__gt=timezone.now())
            .exclude(external_id="")
            .order_by("start")
            .first()
        )
        set_release_rules(
            by=actor_for(practice_manager_a),
            session=slot.session,
            rules=(RuleSpec(audience=Audience.URGENT_CARE),),
        )
        resource = facade.appointment()
        resource |= {
            "slot": [{"reference": f"Slot/{slot.public_id}"}],
            "start": format_instant(slot.start),
            "end": format_instant(slot.end),
        }
        resource["participant"][1]["actor"]["reference"] = f"Location/{slot.site.public_id}"

        booked = facade.book(resource)

        assert booked.status == 201, booked.body
        message = WriteBackMessage.objects.get(
            booking__public_id=booked.body["id"], operation=WriteBackMessage.Operation.BOOK
        )
        assert tasks.deliver_write_back(message.pk) == WriteBackMessage.State.CONFIRMED
        [appointment] = sandbox.ledger(PRACTICE)
        assert appointment["reference"] == booked.body["id"]


def test_slots_not_yet_released_to_urgent_care_are_neither_found_nor_booked(
    facade, publish, hub_for_consumer
):
    [session] = publish(days_ahead=2, rules=(RuleSpec(audience=Audience.HUB),))
    hidden = {str(slot.public_id) for slot in session.slots.all()}
    answer = facade.search(facade.tomorrow(), facade.tomorrow() + datetime.timedelta(days=6))
    found = {e["resource"]["id"] for e in answer.body["entry"]}
    assert found and not found & hidden

    resource = facade.appointment()
    slot = session.slots.order_by("start").first()
    resource["slot"] = [{"reference": f"Slot/{slot.public_id}"}]
    answer = facade.book(resource)
    assert answer.status == 422 and not Booking.objects.filter(slot=slot).exists()


def test_an_unknown_hub_is_organisation_not_found(facade):
    facade.root = "/gpconnect/X99999/STU3/1"
    answer = facade.call(Interaction.READ_METADATA, "GET", "/metadata")
    assert (answer.status, answer.code) == (404, "ORGANISATION_NOT_FOUND")


def _signed_by_another_key(facade, interaction):
    other = register_consumer(
        by=Actor.system(), organisation=facade.consumer.organisation, name="Another"
    )
    claims = claims_for(interaction, audience=facade.audience(), now=facade.now())
    return jwt.encode(
        {"alg": "RS256"}, claims, RSAKey.import_key(other.private_key_pem), algorithms=["RS256"]
    )


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"Ssp-From": "900000000000"}, 403, "ACCESS_DENIED"),
        ({"Ssp-To": "999999999999"}, 403, "ACCESS_DENIED"),
        ({"Ssp-From": ""}, 400, "BAD_REQUEST"),
        ({"Authorization": ""}, 400, "BAD_REQUEST"),
    ],
    ids=["unregistered ASID", "not our ASID", "no Ssp-From", "no JWT"],
)
def test_a_caller_must_be_a_registered_consumer_to_our_asid(facade, headers, status, code):
    answer = facade.call(Interaction.READ_METADATA, "GET", "/metadata", headers=headers)

    assert (answer.status, answer.code) == (status, code)
    refused = AuditEvent.objects.get(action="gpconnect.refused")
    assert refused.outcome == "denied" and code in refused.reason


def test_an_unsigned_or_wrongly_signed_jwt_is_refused(facade):
    from gpconnect.jwt import encode_unsigned

    claims = claims_for(Interaction.READ_METADATA, audience=facade.audience(), now=facade.now())
    for token in (
        encode_unsigned(claims),
        _signed_by_another_key(facade, Interaction.READ_METADATA),
    ):
        answer = facade.call(
            Interaction.READ_METADATA,
            "GET",
            "/metadata",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert (answer.status, answer.code) == (400, "BAD_REQUEST")
        assert "signed" in answer.body["issue"][0]["diagnostics"]


def test_a_jwt_for_another_endpoint_or_another_organisation_is_refused(facade):
    now = facade.now()
    elsewhere = claims_for(
        Interaction.READ_METADATA, audience="http://testserver/gpconnect/U99999/STU3/1", now=now
    )
    assert (
        facade.call(Interaction.READ_METADATA, "GET", "/metadata", claims=elsewhere).code
        == "BAD_REQUEST"
    )

    other = claims_for(Interaction.READ_METADATA, audience=facade.audience(), now=now)
    other["requesting_organization"]["identifier"][0]["value"] = "NZZ02"
    answer = facade.call(Interaction.READ_METADATA, "GET", "/metadata", claims=other)
    assert (answer.status, answer.code) == (403, "ACCESS_DENIED")


def test_a_jwt_with_the_wrong_scope_is_refused(facade):
    claims = claims_for(
        Interaction.BOOK_APPOINTMENT, audience=facade.audience(), now=facade.now()
    )  # patient/*.write
    answer = facade.call(Interaction.READ_METADATA, "GET", "/metadata", claims=claims)
    assert (answer.status, answer.code) == (400, "BAD_REQUEST")


def test_every_call_is_audited_with_the_organisation_and_practitioner_from_the_jwt(
    facade, ae_department, hub_for_consumer
):
    booked = facade.book_one()

    calls = AuditEvent.objects.filter(action="gpconnect.call").order_by("sequence")
    assert [c.reason for c in calls] == [
        "search_free_slots 200",
        "find_patient 200",
        "book_appointment 201",
    ]
    for event in calls:
        assert event.actor_organisation_ods == ae_department.ods_code
        assert event.actor_name == "Grace Hopper (clin-7) through Emergency department system"
        assert event.request_id  # the Ssp-TraceID
    booking_event = AuditEvent.objects.get(action="booking.create", patient=hub_for_consumer)
    assert booking_event.actor_name.startswith("Grace Hopper")
    assert booking_event.object_id == booked["id"]
    assert AuditEvent.objects.filter(action="patient.find", actor_name__startswith="Grace").exists()


def test_a_patient_the_consumer_may_not_see_is_not_found(facade, patient_b):
    from gpconnect import codes

    answer = facade.call(
        Interaction.FIND_PATIENT,
        "GET",
        "/Patient",
        query=[("identifier", f"{codes.SYSTEM_NHS_NUMBER}|{patient_b.nhs_number}")],
    )
    assert answer.status == 200 and not answer.body.get("entry")
    assert AuditEvent.objects.filter(action="patient.find").exists()


def test_each_consumer_has_a_budget_of_requests_a_minute(facade):
    facade.consumer.requests_per_minute = 2
    facade.consumer.save()

    answers = [facade.call(Interaction.READ_METADATA, "GET", "/metadata") for _ in range(3)]

    assert [a.status for a in answers] == [200, 200, 429]
    assert 0 < int(answers[2].headers["Retry-After"]) <= 60
    assert answers[2].body["issue"][0]["code"] == "throttled"


def test_another_organisations_consumer_cannot_change_the_booking(facade, hub_for_consumer):
    booked = facade.book_one()
    other_org = UrgentCareFactory(ods_code="RZZ09", name="Other ED")
    other = register_consumer(by=Actor.system(), organisation=other_org, name="Other ED system")
    facade.consumer = other.consumer
    facade.key = RSAKey.import_key(other.private_key_pem)
    claims = claims_for(Interaction.AMEND_APPOINTMENT, audience=facade.audience(), now=facade.now())
    claims["requesting_organization"]["identifier"][0]["value"] = "RZZ09"

    answer = facade.put(booked | {"comment": "Not mine"}, "1", claims=claims)

    assert (answer.status, answer.code) == (404, "NO_RECORD_FOUND")
    assert Booking.objects.get(public_id=booked["id"]).comment == ""


def test_a_path_under_gpconnect_that_is_no_interaction_is_answered_in_fhir(client):
    for path in ("/gpconnect/", "/gpconnect/U30003/STU3/1/", "/gpconnect/U30003/Slot"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["resourceType"] == "OperationOutcome"
