"""The controls under /_: bad settings refused, and a reset."""

import pytest

from tests.gpconnect.sandbox.calls import (
    book_one,
)


@pytest.mark.parametrize(
    "body",
    [
        {"error_rate": 2},
        {"error_rate": 0.6, "drop_rate": 0.6},
        {"no_such_control": 1},
        {"next": [{"fault": "explode"}]},
        {"interactions": ["teleport"]},
        {"error_statuses": [404]},
    ],
)
def test_bad_controls_are_refused_and_change_nothing(sandbox, body):
    before = sandbox.call("GET", "/_control").body

    answer = sandbox.call("POST", "/_control", body=body)

    assert answer.status == 400 and answer.body["error"]
    assert sandbox.call("GET", "/_control").body == before


def test_reset_empties_the_books_and_clears_the_faults(sandbox):
    book_one(sandbox)
    sandbox.control(latency_ms=10, next=[{"fault": "drop"}])

    assert sandbox.call("POST", "/_reset").status == 200

    assert sandbox.ledger() == []
    assert sandbox.control()["latency_ms"] == 0 and sandbox.control()["next"] == []
    assert sandbox.requests() == []
