"""The sandbox's WSGI app: the Spine headers and the audit JWT every GP Connect request needs,
and what every answer says."""

import pytest

from gpconnect.rest import Interaction
from tests.gpconnect.sandbox.calls import (
    search,
    spine_code,
    tomorrow,
)
from tests.gpconnect.sandbox.harness import PRACTICE, good_claims


def test_every_answer_says_no_store(sandbox):
    good = search(sandbox, tomorrow(sandbox), tomorrow(sandbox))
    bad = sandbox.call("GET", f"/{PRACTICE}/STU3/1/gpconnect/Slot")

    assert good.status == 200 and bad.status == 400
    assert good.headers["Cache-Control"] == bad.headers["Cache-Control"] == "no-store"
    assert good.headers["Content-Type"] == "application/fhir+json;charset=utf-8"


def test_request_without_a_jwt_is_a_bad_request(sandbox):
    answer = search(sandbox, tomorrow(sandbox), tomorrow(sandbox), headers={"Authorization": ""})

    assert answer.status == 400
    assert spine_code(answer) == "BAD_REQUEST"
    assert "Authorization" in answer.body["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    ("change", "diagnostic"),
    [
        ({"exp": 0, "iat": -300}, "expired"),
        ({"reason_for_request": "secondaryuses"}, "directcare"),
        ({"requested_scope": "patient/*.read"}, "organization/*.read"),
        ({"requesting_organization": {"resourceType": "Organization"}}, "ODS code"),
        ({"requesting_practitioner": {"resourceType": "Practitioner", "id": "x"}}, "sub"),
    ],
)
def test_a_bad_claim_is_refused_with_an_operation_outcome(sandbox, change, diagnostic):
    claims = good_claims(Interaction.SEARCH_FREE_SLOTS, now=sandbox.clock()) | change

    answer = search(sandbox, tomorrow(sandbox), tomorrow(sandbox), claims=claims)

    assert answer.status == 400
    assert diagnostic in answer.body["issue"][0]["diagnostics"]


def test_interaction_id_must_match_the_request(sandbox):
    answer = search(
        sandbox,
        tomorrow(sandbox),
        tomorrow(sandbox),
        headers={"Ssp-InteractionID": Interaction.BOOK_APPOINTMENT.interaction_id},
    )

    assert answer.status == 400 and "Ssp-InteractionID" in answer.body["issue"][0]["diagnostics"]


def test_request_log_keeps_the_jwt_claims_for_audit(sandbox):
    search(sandbox, tomorrow(sandbox), tomorrow(sandbox))

    logged = sandbox.requests("search_free_slots")[-1]
    assert logged["status"] == 200
    assert logged["claims"]["requesting_organization"]["name"] == "Aire Valley Hub"
    assert logged["claims"]["sub"] == "user-42"
