"""Django's Redis cache backend, made safe for the site when Redis is slow or gone, and with one
Redis client per connection pool instead of one per cache call.

**A cache must never take the site down.** Every cache call goes through a circuit breaker
(pybreaker): the first Redis error (refused connection, timeout) opens it, and for
`CACHE_RETRY_SECONDS` every cache call answers at once as a miss (get: the default; set,
delete, touch: False; add: True, so a lock taken through the cache does not shut everyone out)
without touching the network. Then one call tries Redis again: success
closes the breaker, failure opens it again. The pages render from the database meanwhile, the
cached_db sessions read their rows (sign-in keeps working), the rate limits let requests through
(a limit that cannot count must not lock people out) and page-cache invalidations are skipped.

Because those skipped writes (a moved page-cache generation, a deleted session) never reached
Redis, a Redis that comes back with its old data could serve what they should have replaced:
when the breaker closes after an outage this process saw, it deletes every key of the portal's
prefix (the cache is only ever a copy: pages, sessions and generations are rebuilt from the
database). The connection and read timeouts (OPTIONS in settings.CACHES) keep a Redis that does
not answer at all from costing more than a fraction of a second before the breaker opens.

Why not django-redis's IGNORE_EXCEPTIONS: it retries Redis on every call (a dead host costs its
timeout on each one), and it would replace Django's own backend, which the rest of the portal
(and this module's single client per pool) is built on.

One client per pool: Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every
operation, and redis-py builds its whole response-callback table (about 165 entries) in each
constructor: about 0.1 ms on this machine, several times per signed-in page. redis-py clients
are safe to share (the pool hands out connections), and Django keeps one cache backend per
thread anyway. Upstream: redis/redis-py#3624.
"""

import logging

import pybreaker
from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class _Outage(pybreaker.CircuitBreakerListener):
    """Logs the outage once each way and, on recovery, drops what the skipped writes left."""

    def __init__(self):
        self.seen = False
        self.purge = None  # set by the backend: deletes the portal's keys

    def state_change(self, cb, old_state, new_state):
        name = new_state.name
        if name == pybreaker.STATE_OPEN and old_state and old_state.name != pybreaker.STATE_OPEN:
            if not self.seen:
                logger.warning("Redis cache unreachable: pages render from the database.")
            self.seen = True
        elif name == pybreaker.STATE_CLOSED and self.seen:
            self.seen = False
            logger.warning("Redis cache reachable again: emptying the portal's cache keys.")
            if self.purge is not None:
                try:
                    self.purge()
                except RedisError:
                    logger.exception("Could not empty the cache after the outage.")


def _breaker() -> pybreaker.CircuitBreaker:
    listener = _Outage()
    breaker = pybreaker.CircuitBreaker(
        fail_max=1,
        reset_timeout=getattr(settings, "CACHE_RETRY_SECONDS", 5),
        # Only Redis's own errors mean "Redis is not there"; a bad value is the caller's bug.
        exclude=[lambda exc: not isinstance(exc, RedisError)],
        listeners=[listener],
        name="redis-cache",
    )
    breaker.outage = listener
    return breaker


# One breaker per process: every thread's backend shares what this process knows of Redis.
BREAKER = _breaker()


def _fallback(name, args, kwargs):
    """What a cache call answers while Redis cannot: as if the key were not there."""
    if name == "get":
        default = args[1] if len(args) > 1 else kwargs.get("default")
        return default
    if name == "get_many":
        return {}
    if name == "set_many":
        return list(args[0]) if args else []
    if name == "incr":
        raise ValueError("The cache is unavailable.")  # callers treat it as a missing key
    if name == "add":
        # As if stored: a lock taken through the cache (allauth's rate limits take one) must
        # not shut everyone out because the cache cannot answer.
        return True
    if name in {"touch", "delete", "has_key", "clear"}:
        return False
    return None  # set, delete_many


def _guarded(name):
    def call(self, *args, **kwargs):
        method = getattr(super(RedisCacheClient, self), name)
        try:
            return BREAKER.call(method, *args, **kwargs)
        except (pybreaker.CircuitBreakerError, RedisError):
            return _fallback(name, args, kwargs)

    call.__name__ = name
    return call


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    add = _guarded("add")
    get = _guarded("get")
    set = _guarded("set")
    touch = _guarded("touch")
    delete = _guarded("delete")
    get_many = _guarded("get_many")
    has_key = _guarded("has_key")
    incr = _guarded("incr")
    set_many = _guarded("set_many")
    delete_many = _guarded("delete_many")
    clear = _guarded("clear")

    def delete_prefixed(self, pattern: str, *, batch: int = 500) -> int:
        """Delete every key matching `pattern` (SCAN, never KEYS: Redis stays responsive)."""
        client = self.get_client(write=True)
        deleted, keys = 0, []
        for key in client.scan_iter(match=pattern, count=batch):
            keys.append(key)
            if len(keys) >= batch:
                deleted += client.unlink(*keys)
                keys = []
        if keys:
            deleted += client.unlink(*keys)
        return deleted


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
        prefix = self.key_prefix
        BREAKER.outage.purge = lambda: self._cache.delete_prefixed(f"{prefix}:*" if prefix else "*")
