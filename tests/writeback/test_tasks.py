"""The delivery task's contract with the broker."""

from writeback import tasks


def test_the_task_is_acknowledged_only_after_it_ran():
    assert tasks.deliver_write_back.acks_late
    assert tasks.deliver_write_back.reject_on_worker_lost
