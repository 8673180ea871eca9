"""The Redis cache backend against the real Redis (REDIS_URL): it reuses its clients."""

import os

import pytest

from egts.cache_backends import ResilientRedisCache


@pytest.fixture
def redis_cache():
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    backend = ResilientRedisCache(url, {"KEY_PREFIX": "egts-test-backend"})
    yield backend
    backend.delete_many(["a", "b"])


def test_cache_calls_share_one_redis_client(redis_cache):
    # Django builds a redis.Redis per call; each costs a table of reply handlers.
    first = redis_cache._cache.get_client()
    redis_cache.set("a", 1)
    redis_cache.get_many(["a", "b"])
    assert redis_cache._cache.get_client() is first
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client(write=True)


def test_the_shared_client_reads_and_writes(redis_cache):
    redis_cache.set("a", {"page": "contenu"}, 30)
    assert redis_cache.get("a") == {"page": "contenu"}
    assert redis_cache.add("b", 1, 30) is True
    assert redis_cache.incr("b") == 2
    assert redis_cache.get_many(["a", "b"]) == {"a": {"page": "contenu"}, "b": 2}


def test_with_nothing_listening_add_answers_as_if_stored_so_locks_do_not_refuse_everyone():
    """django-allauth takes a lock with add() before every login, signup and password reset:
    a False there refuses them all (429). The key is then lost, as any write while Redis is
    unreachable; reads miss."""
    from tests.fixtures.services import free_port

    unreachable = ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {})
    assert unreachable.add("verrou", True, 10) is True
    assert unreachable.get("verrou") is None
    assert unreachable.incr("compteur") == 0
