"""A fixed-window counter in the shared cache (Redis in production), for public lookups such as
the card and certificate verification pages. `cache.add` opens a window only when none is there
and `cache.incr` is atomic in Redis, so parallel requests cannot both slip under the limit."""

from django.core.cache import cache

from accounts.security import client_ip


def over_limit(request, scope: str, *, limit: int, seconds: int) -> bool:
    """Count this request for its client address; True once the window holds more than limit."""
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add() and incr()
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count > limit
