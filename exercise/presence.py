"""Who is connected: open sockets per team, counted in the shared cache by the socket.

Counts go up on connect and down on disconnect, atomically (Redis INCR in production).
A server killed without closing its sockets leaves its count behind until the key
expires a day later; restarting the server fleet clears it with the cache.
"""

from collections.abc import Mapping
from typing import Any

from django.core.cache import cache

from exercise.models import Exercise
from exercise.roles import Caller, require_staff

TTL_SECONDS = 24 * 3600


def _key(exercise_id: int, audience: str) -> str:
    return f"presence:{exercise_id}:{audience}"


def joined_many(counts: Mapping[tuple[int, str], int]) -> None:
    """Sockets joined: (exercise id, audience) -> how many. Sockets admitted together
    (realtime.admission) cost two cache calls an audience rather than two a socket."""
    for (exercise_id, audience), count in counts.items():
        key = _key(exercise_id, audience)
        cache.add(key, 0, TTL_SECONDS)
        cache.incr(key, count)


def left(exercise_id: int, audience: str) -> None:
    key = _key(exercise_id, audience)
    try:
        if cache.decr(key) < 0:
            cache.set(key, 0, TTL_SECONDS)
    except ValueError:  # expired meanwhile: nothing to take away
        pass


def connected(*, caller: Caller, exercise: Exercise) -> dict[str, Any]:
    require_staff(caller)
    teams = list(exercise.teams.values_list("key", flat=True))
    counts = cache.get_many([_key(exercise.pk, audience) for audience in [*teams, "staff"]])
    return {
        "teams": {key: max(counts.get(_key(exercise.pk, key), 0), 0) for key in teams},
        "staff": max(counts.get(_key(exercise.pk, "staff"), 0), 0),
    }
