"""The Redis cache of production (cms/redis_cache.py): one redis-py client per connection pool, not one per read."""

import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from cms.redis_cache import PooledRedisCache

REDIS = "redis://127.0.0.1:6379/14"


def test_every_read_and_write_of_a_cache_shares_one_client():
    cache = PooledRedisCache(REDIS, {})
    clients = {id(cache._cache.get_client("a")), id(cache._cache.get_client("b", write=True))}
    assert len(clients) == 1
    # Django's own builds one for each operation: what this backend exists for.
    django_cache = RedisCache(REDIS, {})
    assert django_cache._cache.get_client("a") is not django_cache._cache.get_client("a")


def test_it_reads_and_writes_as_django_s_own():
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    cache = PooledRedisCache(REDIS, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("greeting", {"texte": "Bonjour"}, timeout=30)
    assert cache.get_many(["greeting", "missing"]) == {"greeting": {"texte": "Bonjour"}}
    assert cache.add("greeting", "again") is False
    cache.delete("greeting")
    assert cache.get("greeting") is None
    # Another backend on the same server reads what this one wrote (same keys, same serializer).
    cache.set("shared", 42)
    assert RedisCache(REDIS, {"KEY_PREFIX": cache.key_prefix}).get("shared") == 42
    cache.delete("shared")
