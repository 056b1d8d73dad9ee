"""The short scale proof (bench.scale): two web nodes, two worker nodes and two beats on the
test database and a Redis of their own. It books through both web nodes, kills a worker
node mid-delivery and a web node mid-burst, and counts what two beats sent; then compares
the hub's bookings with the practices' own books."""

import pytest

import bench.scale as scale
from tests.writeback.faults.conftest import broker_here, redis_broker, workdir  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_of_every_node_book_once_lose_nothing_and_send_nothing_twice(
    broker_here,  # noqa: F811 - the fixture, imported
    monkeypatch,
    record_property,
):
    monkeypatch.setenv("CELERY_BROKER_URL", broker_here.url)
    monkeypatch.setenv("CACHE_URL", broker_here.url.replace("/0", "/1"))

    found = scale.prove(short=True, log=lambda line: None)

    storm = found["storm"]
    assert storm["slots_booked_once"] == storm["slots"], storm
    assert storm["slots_booked_more_than_once"] == 0, storm
    assert storm["answers"]["201"] == storm["slots"], storm  # every other attempt refused
    assert len(storm["requests_per_node"]) == 2, storm

    assert found["worker_killed"]["deliveries_cut_off_and_sent_again"] > 0, found
    assert found["web_node_killed"]["requests_cut_off"] > 0, found
    assert found["half_bookings"] | {"live_bookings": 0} == {
        "live_bookings": 0,
        "slot_not_booked": 0,
        "no_audit_event": 0,
        "no_outbox_message": 0,
        "booked_slot_without_booking": 0,
    }, found["half_bookings"]
    for books in (found["write_back"], found["write_back_after_all"]):
        assert books == {"lost": 0, "duplicated": 0, "in_the_book_but_not_live": 0}, books

    beats = found["beats"]
    assert all(sent >= 3 for sent in beats["reminder_jobs_sent_by_each_beat"]), beats
    assert beats["reminded_once"] == beats["bookings_due_a_reminder"] > 0, beats
    assert beats["messages_sent_more_than_once"] == 0, beats
    assert scale.failures(found) == []
    record_property("scale", found)
