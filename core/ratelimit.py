"""The portal's one rate limiter: fixed windows counted in Django's cache (Redis in production,
shared by every web process; the per-process memory cache in development). `cache.add` opens a
window only when none is there and `cache.incr` is atomic in Redis, so parallel requests cannot
both slip under a limit.

Why not django-ratelimit: it counts per request (its keys are read from the request), while the
forums limit people inside their services, which take a user id and an address and no request,
and need the seconds left in the window to tell the person when to try again. What both need is
the counter below; the library would add a second way to count beside it.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from core.http import client_ip


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


class RateLimited(Exception):
    """Over a limit; `retry_after` seconds until the window that refused ends."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def hit(key: str, rate: Rate) -> int | None:
    """Count one hit against `key`; the seconds to wait when over the limit, else None. Windows
    are aligned on the clock (rate.seconds long), so the wait is exact."""
    now = int(timezone.now().timestamp())
    window = now // rate.seconds
    cache_key = f"ratelimit:{key}:{rate.seconds}:{window}"
    cache.add(cache_key, 0, timeout=rate.seconds + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window expired between add() and incr()
        cache.add(cache_key, 1, timeout=rate.seconds + 5)
        count = 1
    if count > rate.count:
        return (window + 1) * rate.seconds - now
    return None


def check(*limits: tuple[str, Rate]) -> None:
    """Count one hit against each (key, rate); raise RateLimited (with the longest wait) when
    any of them is over its limit."""
    waits = [wait for wait in (hit(key, rate) for key, rate in limits) if wait is not None]
    if waits:
        raise RateLimited(max(waits))


def client_address(request) -> str:
    return client_ip(request) or "unknown"


def over_limit(request, scope: str, *, limit: int, seconds: int) -> bool:
    """Count this request for its client address under `scope`; True once the window holds
    more than `limit` (public lookups such as the card and certificate verification pages)."""
    return hit(f"{scope}:ip:{client_address(request)}", Rate(limit, seconds)) is not None
