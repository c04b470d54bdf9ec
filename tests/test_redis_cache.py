"""The Redis cache keeps one connection pool per process (config.redis_cache): Django gives
every thread, request and socket a cache object of its own, and these must not each open
a connection to Redis."""

import threading

import redis
from django.core.cache import cache


def test_cache_objects_of_many_threads_share_the_process_pool(redis_url):
    watcher = redis.Redis.from_url(redis_url)  # one connection of its own, opened once
    cache.set("warm", 1)  # the process's pool has its first connection

    def connections() -> int:
        return watcher.info("stats")["total_connections_received"]

    def request(number: int) -> None:  # a thread has a cache object of its own, as a request has
        cache.set(f"shared-{number}", number)
        assert cache.get(f"shared-{number}") == number

    before = connections()
    for number in range(20):
        thread = threading.Thread(target=request, args=(number,))
        thread.start()
        thread.join()
    assert connections() == before
    assert cache.get_many([f"shared-{number}" for number in range(20)]) == {
        f"shared-{number}": number for number in range(20)
    }
