"""Counting attempts in the cache, for the patient area's sign-in, registration and booking:
`allow` says no once a key has had `limit` attempts in the current window."""

from django.core.cache import cache


def allow(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt for `key` in `scope`; False once it is over `limit` in the window.
    The window starts at the first attempt and is not stretched by later ones."""
    name = f"online-throttle:{scope}:{key}"
    cache.add(name, 0, timeout=window_seconds)
    try:
        attempts = cache.incr(name)
    except ValueError:  # expired between the two calls
        cache.set(name, 1, timeout=window_seconds)
        attempts = 1
    return attempts <= limit


def forget(scope: str, key: str) -> None:
    """Start counting afresh, after a success."""
    cache.delete(f"online-throttle:{scope}:{key}")
