"""Rate limits on posting, commenting, supporting and reporting, per user and per address.

Fixed windows counted in Django's cache: Redis in production (shared by every web process),
the per-process memory cache in development. `cache.add` starts a window only when it is not
there yet and `cache.incr` is atomic in Redis, so two requests at once cannot both slip under.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from accounts.security import client_ip


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


# action: (per user, per address). An address may be shared (a school, a kelurahan office), so it
# gets more room than one account.
RATES = {
    "topic": (Rate(5, 3600), Rate(15, 3600)),
    "comment": (Rate(20, 3600), Rate(60, 3600)),
    "support": (Rate(60, 3600), Rate(200, 3600)),
    "report": (Rate(10, 3600), Rate(30, 3600)),
    "ikm": (Rate(20, 3600), Rate(60, 3600)),
}


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def client_address(request) -> str:
    # The one rule for client addresses (trusted proxy aware), shared with lockouts.
    return client_ip(request) or "unknown"


def _hit(key: str, rate: Rate) -> int | None:
    """Count one hit; the seconds to wait when over the limit, else None."""
    now = int(timezone.now().timestamp())
    window = now // rate.seconds
    cache_key = f"forums:rl:{key}:{window}"
    cache.add(cache_key, 0, timeout=rate.seconds + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=rate.seconds + 5)
        count = 1
    if count > rate.count:
        return (window + 1) * rate.seconds - now
    return None


def check(action: str, *, user_id: int, address: str) -> None:
    """Raise RateLimited when the user or the address has done `action` too often."""
    per_user, per_address = RATES[action]
    waits = [
        _hit(f"{action}:u:{user_id}", per_user),
        _hit(f"{action}:ip:{address}", per_address),
    ]
    waits = [w for w in waits if w is not None]
    if waits:
        raise RateLimited(max(waits))
