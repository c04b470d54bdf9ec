"""How often a client may do a thing: failed sign-ins and joins per address, commands per
player. One set of rates and one store of counts, used by Django's views and by the
hotline layer on the event loop alike: Redis when REDIS_URL is set, so that every
process counts together, and this process's memory otherwise (the embedded default
runs one process)."""

import functools
import ipaddress
import math
import re
import time
from typing import Any

import limits
import limits.aio
import redis
import redis.asyncio
from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string

from exercise.errors import RateLimited

# Apart from the cache's keys, so that clearing one never clears the other by accident.
KEY_PREFIX = "parley-limits"

# The settings' notation ("30/10s", "10/5m"), which the operator guide documents.
SHORT_RATE = re.compile(r"(\d+)/(\d*)([smhd])")
UNITS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}


@functools.lru_cache(maxsize=16)
def rate(text: str) -> limits.RateLimitItem:
    """A rate as the settings write it ("30/10s"), or in limits' words ("30 per 10 seconds")."""
    found = SHORT_RATE.fullmatch(text.strip())
    words = f"{found[1]}/{found[2] or 1} {UNITS[found[3]]}" if found else text
    try:
        return limits.parse(words)
    except ValueError:
        raise ValueError(f"unreadable rate {text!r}; write it like 30/10s") from None


class Refused(RateLimited):
    """Over a limit; ``retry_after`` is the whole seconds until the next attempt is taken."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


@functools.cache
def _limiter() -> limits.strategies.MovingWindowRateLimiter:
    """This process's limiter. A moving window is the contract's own wording: never more
    than the count in any period, so 30 commands in any 10 s pass and the 31st does not
    (a fixed window lets twice the count through across its edge). A refused attempt
    takes no place in the window, so a client retrying while refused does not prolong
    its own wait."""
    if settings.REDIS_URL:
        # Blocking, as the cache's pool is: past its size a request waits its turn
        # instead of failing with "Too many connections".
        pool = redis.BlockingConnectionPool.from_url(settings.REDIS_URL, **settings.REDIS_POOL)
        storage: Any = limits.storage.RedisStorage(settings.REDIS_URL, connection_pool=pool, key_prefix=KEY_PREFIX)
    else:
        storage = limits.storage.MemoryStorage()
    return limits.strategies.MovingWindowRateLimiter(storage)


def forget_all() -> None:
    """Every count of every limit cleared (tests start from nothing)."""
    _limiter().storage.reset()


def _retry_after(item: limits.RateLimitItem, *identifiers: str) -> int:
    reset_at, _remaining = _limiter().get_window_stats(item, *identifiers)
    return max(1, math.ceil(reset_at - time.time()))


# Failed attempts per client address


def client_address(request: HttpRequest) -> str:
    """The address limits are kept for: REMOTE_ADDR, or what RATELIMIT_IP_META_KEY names
    (another META key, or the dotted path of a function of the request). An IPv6 client
    holds a whole /64, so it counts as one."""
    source = settings.RATELIMIT_IP_META_KEY
    if not source:
        address = request.META["REMOTE_ADDR"]
    elif "." in source:
        address = import_string(source)(request)
    else:
        address = request.META[source]
    prefix = 64 if ":" in address else 32
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def refuse_if_failing(request: HttpRequest, group: str, account: str | None = None) -> None:
    """429 once an address, or the account being signed in to, has failed too often in
    the period; counts nothing itself."""
    for item, identifiers, whose in _failure_counts(request, group, account):
        if not _limiter().test(item, *identifiers):
            wait = _retry_after(item, *identifiers)
            raise Refused(f"Too many failed attempts {whose}; wait {wait} seconds.", wait)


def count_failure(request: HttpRequest, group: str, account: str | None = None) -> None:
    for item, identifiers, _whose in _failure_counts(request, group, account):
        _limiter().hit(item, *identifiers)


def _failure_counts(
    request: HttpRequest, group: str, account: str | None
) -> list[tuple[limits.RateLimitItem, tuple[str, str], str]]:
    """Per address, so one machine cannot guess on; and per account, so that many
    machines cannot guess one password together."""
    counts = [(rate(settings.JOIN_FAILURE_RATE), (group, client_address(request)), "from your address")]
    if account:
        item = rate(settings.ACCOUNT_FAILURE_RATE)
        counts.append((item, (f"{group}-account", account.casefold()[:150]), "for this account"))
    return counts


# Commands per player

TOO_MANY_COMMANDS = "Too many commands at once; wait a few seconds and send again."
# The hotline layer counts a command before it knows whether it can answer it itself.
# When it hands the request to Django it writes the outcome into the ASGI scope, which no
# client can set, so that Django takes that outcome instead of counting the command again.
COUNTED = "parley.player_command_counted"


def _player_command(player_id: int) -> tuple[limits.RateLimitItem, str, str]:
    return rate(settings.PLAYER_COMMAND_RATE), "player-commands", str(player_id)


def throttle_player(request: HttpRequest) -> None:
    """429 for a player beyond what a person can type; staff and tools are not limited here."""
    caller = getattr(request, "auth", None)
    if caller is None or caller.player is None:
        return
    item, *identifiers = _player_command(caller.player.pk)
    counted = getattr(request, "scope", {}).get(COUNTED)
    if counted is not None and counted[0] == caller.player.pk:
        within = counted[1]
    else:
        within = _limiter().hit(item, *identifiers)
    if not within:
        raise Refused(TOO_MANY_COMMANDS, _retry_after(item, *identifiers))


def counted_in(scope: dict, player_id: int, within: bool) -> dict:
    """The scope to hand to Django for a command this layer has already counted."""
    return {**scope, COUNTED: (player_id, within)}


class PlayerCommands:
    """The commands-per-player limit for code on the event loop: the same rate, the same
    keys and the same store as throttle_player. Open it inside the loop that uses it
    (asyncio connections belong to one loop) and close it there."""

    def __init__(self) -> None:
        self._pool: redis.asyncio.BlockingConnectionPool | None = None
        self._limiter: limits.aio.strategies.MovingWindowRateLimiter | None = None
        if settings.REDIS_URL:
            self._pool = redis.asyncio.BlockingConnectionPool.from_url(settings.REDIS_URL, **settings.REDIS_POOL)
            storage = limits.aio.storage.RedisStorage(
                f"async+{settings.REDIS_URL}",
                implementation="redispy",
                # limits types its storage options as scalars; redis-py takes this pool.
                connection_pool=self._pool,  # type: ignore[arg-type]
                key_prefix=KEY_PREFIX,
            )
            self._limiter = limits.aio.strategies.MovingWindowRateLimiter(storage)

    async def hit(self, player_id: int) -> bool:
        """Count one command of the player's: whether it is within the limit."""
        item, *identifiers = _player_command(player_id)
        if self._limiter is None:  # memory: this process's own counts, which never wait
            return _limiter().hit(item, *identifiers)
        return await self._limiter.hit(item, *identifiers)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
