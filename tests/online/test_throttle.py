import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from online import throttle


def test_attempts_past_the_limit_are_refused_until_forgotten():
    key = uuid.uuid4().hex
    assert all(throttle.allow("test", key, limit=3, window_seconds=60) for _ in range(3))
    assert not throttle.allow("test", key, limit=3, window_seconds=60)
    throttle.forget("test", key)
    assert throttle.allow("test", key, limit=3, window_seconds=60)


def test_password_sign_in_is_throttled_per_email(client, db):
    email = f"{uuid.uuid4().hex}@example.com"
    for _ in range(10):
        response = client.post(
            reverse("online:sign_in"),
            {"email": email, "password": "wrong"},
            REMOTE_ADDR=f"192.0.2.{_}",
        )
        assert b"not right" in response.content
    response = client.post(
        reverse("online:sign_in"), {"email": email, "password": "wrong"}, REMOTE_ADDR="192.0.2.99"
    )
    assert response.status_code == 429


def test_a_window_that_ends_while_counting_never_leaves_a_counter_that_lasts_for_ever(
    monkeypatch,
):
    """Counting is one step in Redis. Were it "does the key exist?" then "add one", a
    window ending between the two would leave a counter with no expiry: that key refused
    for good once it reached the limit, on every web node."""
    from django.core.cache import cache, caches

    if "redis" not in type(caches["default"]).__module__:
        pytest.skip("Counts live in Redis only when CACHE_URL is set.")
    import redis

    key = uuid.uuid4().hex
    assert throttle.allow("test", key, limit=3, window_seconds=60)
    name = cache.make_key(f"online-throttle:test:{key}")
    original = redis.Redis.exists

    def expires_just_after_the_check(client, *names):
        found = original(client, *names)
        client.delete(*names)  # the window ends now
        return found

    monkeypatch.setattr(redis.Redis, "exists", expires_just_after_the_check)
    throttle.allow("test", key, limit=3, window_seconds=60)
    monkeypatch.undo()
    client = redis.Redis.from_url(settings.CACHE_URL)
    try:
        assert client.ttl(name) > 0  # -1 would be a counter without an expiry
    finally:
        client.delete(name)
        client.close()
