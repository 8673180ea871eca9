"""A Redis cache that fails open: when Redis is unreachable, the platform keeps working.

The cache only ever holds what can be recomputed (whole public pages, rate-limit counters),
so losing Redis must not turn every page into a 500. While Redis is down, reads miss,
writes are dropped and counters read as zero (rate limits are lifted, which is logged);
PostgreSQL, where contributions and answers are saved, is not involved.

``add`` answers True while Redis is down, as if the key had been stored and then lost:
a caller that takes a lock with it (django-allauth's rate limiter, before every login,
signup and password reset) goes on instead of refusing everyone. Login brute force
stays stopped by django-axes, whose records are in PostgreSQL.
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# Seconds before a Redis call is given up: a stalled Redis must not stall every request.
SOCKET_TIMEOUT = 1


def _failing_open(default):
    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE:
                logger.warning("Cache unreachable: %s skipped", method.__name__, exc_info=True)
                return default() if callable(default) else default

        return wrapper

    return decorator


class ReusedClients(RedisCacheClient):
    """Django builds a new redis.Redis object for every cache call, and each one fills a
    table of some 170 reply handlers: a cached page paid that two to four times. One
    object per connection pool is enough (redis.Redis is safe to share over its pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(server, params)
        self._class = ReusedClients

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE:
            logger.warning("Cache unreachable: get skipped", exc_info=True)
            return default

    @_failing_open(dict)
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_failing_open(False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_failing_open(True)
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)

    @_failing_open(None)
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set(key, value, timeout, version)

    @_failing_open(list)
    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return super().set_many(data, timeout, version)

    @_failing_open(False)
    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return super().touch(key, timeout, version)

    @_failing_open(False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_failing_open(None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_failing_open(0)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    @_failing_open(None)
    def clear(self):
        return super().clear()
