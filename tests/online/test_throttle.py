import uuid

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
