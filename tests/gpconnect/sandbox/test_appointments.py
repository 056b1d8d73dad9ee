"""The appointment books: one booking per slot, however many ask at once, and updates only from
the current version."""

import threading

from tests.gpconnect.sandbox.calls import (
    book,
    book_one,
    free_slots,
    put,
    register,
    spine_code,
)


def test_booking_a_taken_slot_is_duplicate_rejected(sandbox):
    slot = free_slots(sandbox)[0]
    book(sandbox, slot, register(sandbox))

    again = book(sandbox, slot, register(sandbox, "9990000034"))

    assert again.status == 409 and spine_code(again) == "DUPLICATE_REJECTED"
    assert len(sandbox.ledger()) == 1


def test_concurrent_bookings_of_one_slot_give_exactly_one_appointment(sandbox):
    slot = free_slots(sandbox)[0]
    patients = [register(sandbox, n) for n in ("9990000034", "9990000042", "9990000050")]
    answers = []

    def book_for(patient_id):
        answers.append(book(sandbox, slot, patient_id).status)

    threads = [threading.Thread(target=book_for, args=(p,)) for p in patients * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == [201] + [409] * 8
    assert len(sandbox.ledger()) == 1


def test_a_stale_if_match_is_a_409_fhir_constraint_violation(sandbox):
    booked = book_one(sandbox)
    put(sandbox, booked | {"description": "First"}, "1")

    stale = put(sandbox, booked | {"description": "Second"}, "1")

    assert stale.status == 409 and spine_code(stale) == "FHIR_CONSTRAINT_VIOLATION"
    assert sandbox.ledger()[0]["description"] == "First"
