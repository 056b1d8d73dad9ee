"""The ledger: who booked what, for whom."""

from tests.gpconnect.sandbox.calls import (
    NHS_NUMBER,
    book_one,
)
from tests.gpconnect.sandbox.harness import PRACTICE


def test_ledger_shows_who_booked_for_whom(sandbox):
    book_one(sandbox)

    (entry,) = sandbox.ledger(PRACTICE)
    assert entry["patient"] == {"id": "1", "nhs_number": NHS_NUMBER, "name": "Bea Brown"}
    assert entry["booking_organisation"]["ods_code"] == "U30003"
    assert entry["booked_by"] == {
        "organisation_ods": "U30003",
        "organisation_name": "Aire Valley Hub",
        "practitioner_id": "user-42",
        "practitioner_name": "Ada Lovelace",
    }
    assert sandbox.ledger("B20002") == []
