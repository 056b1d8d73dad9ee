"""State shared by several sandbox processes through one SQLite file."""

import threading

from gpconnect.sandbox.store import SandboxStore
from tests.gpconnect.sandbox.calls import (
    book,
    free_slots,
    register,
)
from tests.gpconnect.sandbox.harness import running_sandbox


def test_two_sandboxes_on_one_file_share_the_books_and_never_double_book(tmp_path):
    path = str(tmp_path / "sandbox.sqlite3")
    first_store, second_store = SandboxStore(path), SandboxStore(path)
    try:
        with (
            running_sandbox(store=first_store) as first,
            running_sandbox(store=second_store) as second,
        ):
            slot = free_slots(first)[0]
            patient_id = register(first)
            statuses = []
            threads = [
                threading.Thread(
                    target=lambda s=s: statuses.append(book(s, slot, patient_id).status)
                )
                for s in (first, second) * 3
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

            assert sorted(statuses) == [201, 409, 409, 409, 409, 409]
            assert len(second.ledger()) == 1
    finally:
        first_store.close()
        second_store.close()
