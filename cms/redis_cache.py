"""Django's Redis cache, with one redis-py client per connection pool instead of one per operation.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every get, set or get_many; redis-py 5 and
later fill ~170 response callbacks in each one's constructor, which cost a signed-in home page (five cache reads:
the page cache's generation and site, the session, the cards, the menus' badge, «À faire») more than the reads
themselves. A `redis.Redis` shares its pool and is safe to share between threads; Django's cache handler
gives each thread its own backend anyway."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PooledRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledRedisCacheClient
