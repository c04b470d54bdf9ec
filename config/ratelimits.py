"""Limits on failed attempts per client address, and on commands per player, kept in the
shared cache."""

import functools
import re
import time
import zlib
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from exercise.errors import RateLimited

RATE = re.compile(r"(\d+)/(\d*)([smhd])")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def refuse_if_failing(request: HttpRequest, group: str) -> None:
    """429 once an address has failed too often in the window; counts nothing itself."""
    usage = get_usage(request, group=group, key="ip", rate=settings.JOIN_FAILURE_RATE, increment=False)
    if usage and (usage["should_limit"] or usage["count"] >= usage["limit"]):
        raise RateLimited(f"Too many failed attempts from your address; wait {usage['time_left']} seconds.")


def count_failure(request: HttpRequest, group: str) -> None:
    get_usage(request, group=group, key="ip", rate=settings.JOIN_FAILURE_RATE, increment=True)


TOO_MANY_COMMANDS = "Too many commands at once; wait a few seconds and send again."


def throttle_player(request: HttpRequest) -> None:
    """429 for a player beyond what a person can type; staff and tools are not limited here."""
    caller = getattr(request, "auth", None)
    if caller is None or caller.player is None:
        return
    limit, period = _rate(settings.PLAYER_COMMAND_RATE)
    if _count(_window("player-commands", f"player:{caller.player.pk}", period), period) > limit:
        raise RateLimited(TOO_MANY_COMMANDS)


async def count_player_command(redis: Any, player_id: int) -> tuple[bool, str]:
    """throttle_player's count, in the same keys, on an asyncio client of the cache's
    Redis: whether the command is within the limit, and the key counted, for give_back."""
    limit, period = _rate(settings.PLAYER_COMMAND_RATE)
    key = _counters().make_and_validate_key(_window("player-commands", f"player:{player_id}", period))
    async with redis.pipeline(transaction=False) as pipe:
        pipe.set(key, 0, ex=period + 1, nx=True)  # as the cache's add() starts a window
        pipe.incr(key)
        _created, count = await pipe.execute()
    return count <= limit, key


# Only a window still open: a decrement alone would make a key that never expires.
_GIVE_BACK = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0"


async def give_back(redis: Any, key: str) -> None:
    """Uncount a command that another path will count again."""
    await redis.eval(_GIVE_BACK, 1, key)


def _window(group: str, value: str, period: int) -> str:
    """The key of ``value``'s current fixed window of ``period`` seconds.

    Each value's windows are offset by a hash of it, as django-ratelimit's are, so that
    the players' counts do not all start afresh in the same second.
    """
    now = int(time.time())
    end = now - now % period + zlib.crc32(value.encode()) % period
    if end < now:
        end += period
    return f"{group}:{value}:{end}"


def _count(key: str, period: int) -> int:
    """Count one more in a window's key."""
    counters = _counters()
    try:
        return counters.incr(key)
    except ValueError:  # the window's first command, or its key just expired
        if counters.add(key, 1, period + 1):
            return 1
        return counters.incr(key)


@functools.cache
def _counters() -> BaseCache:
    """One client of the shared cache for the whole process. Django gives each request
    its own, and with Redis each of those opened a new connection: measured, most of the
    cost of this check."""
    return caches.create_connection("default")


def _rate(rate: str) -> tuple[int, int]:
    """A rate such as "30/10s" as a count and a window in seconds."""
    found = RATE.fullmatch(rate)
    if found is None:
        raise ValueError(f"unreadable rate {rate!r}; write it like 30/10s")
    count, multiple, unit = found.groups()
    return int(count), int(multiple or 1) * SECONDS[unit]
