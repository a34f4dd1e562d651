"""Django's Redis cache backend, with one Redis client per connection pool instead of one per
cache call.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every operation, and
redis-py builds its whole response-callback table (about 165 entries) in each constructor:
about 0.1 ms on this machine, several times per signed-in page (the session, the page cache's
generations and parts). redis-py clients are safe to share (the pool hands out connections),
and Django keeps one cache backend per thread anyway. Upstream: redis/redis-py#3624.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


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


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
