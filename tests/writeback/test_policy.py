"""How often and how long write-back tries."""

from writeback import policy


def test_backoff_grows_exponentially_with_jitter_up_to_a_cap(settings):
    settings.WRITE_BACK_RETRY_BASE_SECONDS = 2
    settings.WRITE_BACK_RETRY_CAP_SECONDS = 60
    for attempt, step in [(1, 2), (2, 4), (3, 8), (4, 16), (10, 60)]:
        delays = [policy.retry_delay(attempt) for _ in range(50)]
        assert all(step / 2 <= d <= step for d in delays)
        assert len(set(delays)) > 1  # jittered
