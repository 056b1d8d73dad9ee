"""Search and reports read from a real streaming replica of the test database
(pg_basebackup from the test cluster), and a user who has just booked never searches a
replica that has not replayed their booking: replay is paused to make it lag."""

import copy
import time
from urllib.parse import urlsplit

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.replica import REPLICA
from practices.roles import Role
from tests.api.helpers import SEARCH, book, slots_of, token_client
from tests.factories import staff
from tests.ops.cluster import streaming_replica

# The replica is a database of the test, but no test database of its own: a mirror of the
# primary's, which Django leaves out when it empties the databases after each test.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module")
def replica_database(django_db_setup, django_db_blocker):
    """A streaming replica of the test database, as DATABASE_REPLICA_URL would configure it.
    Module-scoped, so it is configured before each test's database access is."""
    primary = connections["default"].settings_dict
    if not primary["ENGINE"].endswith("postgresql"):
        pytest.skip("A streaming replica is PostgreSQL's.")
    url = f"postgres://{primary['USER']}@{primary['HOST']}:{primary['PORT']}/{primary['NAME']}"
    with streaming_replica(url) as replica_url:
        connections.settings[REPLICA] = {
            **copy.deepcopy(primary),
            "PORT": str(urlsplit(replica_url).port),
            "TEST": {**primary["TEST"], "MIRROR": "default"},
        }
        try:
            yield
        finally:
            connections[REPLICA].close()
            del connections[REPLICA]
            del connections.settings[REPLICA]


@pytest.fixture
def replica(replica_database):
    """The replica's connection, caught up with the primary; replaying again afterwards."""
    wait_until_replayed()
    yield connections[REPLICA]
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    connections[REPLICA].close()


def wait_until_replayed() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        (position,) = cursor.fetchone()
    for _ in range(300):
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("The replica did not catch up.")


def pause_replay() -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")


def resume_replay() -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    wait_until_replayed()


def shown(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [slot["id"] for slot in response.json()["results"]]


def test_report_pages_read_their_summary_tables_from_the_replica(replica, client_for, hub_manager):
    client = client_for(hub_manager)
    with CaptureQueriesContext(replica) as on_replica:
        response = client.get(reverse("reports:appointments"))
    assert response.status_code == 200
    assert any("reports_" in query["sql"] for query in on_replica.captured_queries)


def test_a_slot_booked_a_moment_ago_is_not_shown_free_to_its_booker_while_the_replica_lags(
    replica, publish, hub, hub_receptionist, hub_books_for_a, patient_a
):
    slots = slots_of(publish()[0])
    booker = token_client(hub_receptionist)
    colleague = token_client(staff(hub, Role.HUB_RECEPTIONIST, username="hub.reception.two"))
    wait_until_replayed()
    with CaptureQueriesContext(replica) as on_replica:
        assert str(slots[0].public_id) in shown(booker.get(SEARCH))
    assert on_replica.captured_queries, "search did not read the replica"

    pause_replay()
    assert book(booker, slots[0], patient_a).status_code == 201

    # The replica has not replayed the booking: a colleague's search, read there, still
    # shows the slot; the booker's own search does not.
    assert str(slots[0].public_id) in shown(colleague.get(SEARCH))
    after_booking = shown(booker.get(SEARCH))
    assert str(slots[0].public_id) not in after_booking
    assert str(slots[1].public_id) in after_booking
    # Booking from the stale page fails: the booking locks and re-checks on the primary.
    refused = book(colleague, slots[0], patient_a)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "slot-taken"

    resume_replay()
    with CaptureQueriesContext(replica) as on_replica:
        assert str(slots[0].public_id) not in shown(booker.get(SEARCH))
    assert on_replica.captured_queries, "once caught up, the booker's search reads the replica"
    assert str(slots[0].public_id) not in shown(colleague.get(SEARCH))
