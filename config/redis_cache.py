"""Django's Redis cache with one client, and so one connection pool, per process.

Django gives each thread, and under ASGI each request and each socket (an asgiref
``Local``), a cache object of its own, and each of those makes its own connection pool:
every request and every socket that touched the cache opened a new connection to Redis
(measured: 48 connections for 46 requests and sockets), which cost a socket's admission
about 4 ms of its 5, and left the pool's cap on connections (settings.REDIS_POOL) holding
per request rather than per process. redis-py's pools are thread-safe, and reset
themselves in a forked child.
"""

import threading
from functools import cached_property
from typing import ClassVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedRedisCache(RedisCache):
    _clients: ClassVar[dict[str, RedisCacheClient]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @cached_property
    def _cache(self) -> RedisCacheClient:  # Django's own client, made once per settings
        key = repr((self._servers, sorted(self._options.items())))
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = self._class(self._servers, **self._options)
            return client
