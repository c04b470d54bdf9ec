"""The event log's hash chain: each event's hash covers the one before it, so a row
altered, removed or reordered behind the application's back shows at its seq.

PostgreSQL writes the hashes (migration 0011_event_hash: a trigger on every insert, from
events.append() and the hotline fast path alike) and checks them here, with the same SQL
function, so the canonical form of an event is written once. docs/archives.md gives it.
"""

from typing import Any

from django.db import connection

from exercise.models import Exercise
from exercise.roles import Caller, require_staff

# Every event, its stored hash and the hash its columns and the stored hash before it
# give; the first row out of place (a seq missing) or out of true (a hash that differs).
_FIRST_BREAK = """
WITH chain AS (
    SELECT seq, hash,
        row_number() OVER (ORDER BY seq) AS position,
        parley_event_hash(
            lag(hash) OVER (ORDER BY seq), seq, at, exercise_time, kind, actor, audience, data
        ) AS expected
    FROM exercise_event WHERE exercise_id = %(exercise)s
)
SELECT position, seq, hash = expected FROM chain
WHERE seq <> position OR hash IS DISTINCT FROM expected
ORDER BY position LIMIT 1
"""

_HEAD = """
SELECT count(*), (SELECT hash FROM exercise_event WHERE exercise_id = %(exercise)s ORDER BY seq DESC LIMIT 1)
FROM exercise_event WHERE exercise_id = %(exercise)s
"""


def head(exercise: Exercise) -> str | None:
    """The last event's hash, which vouches for the whole log before it; None for no events."""
    with connection.cursor() as cursor:
        cursor.execute(_HEAD, {"exercise": exercise.pk})
        return cursor.fetchone()[1]


def check(exercise: Exercise) -> dict[str, Any]:
    """The chain checked from seq 1: ``{ok, events, head}``, and when it is broken the first
    bad seq with what is wrong there, as the API's error details are written."""
    with connection.cursor() as cursor:
        cursor.execute(_HEAD, {"exercise": exercise.pk})
        count, last_hash = cursor.fetchone()
        cursor.execute(_FIRST_BREAK, {"exercise": exercise.pk})
        broken = cursor.fetchone()
    result: dict[str, Any] = {"ok": broken is None, "events": count, "head": last_hash}
    if broken is not None:
        position, seq, _ = broken
        if seq != position:
            result |= _bad(position, f"event {position} is missing: the log goes on with seq {seq}")
        else:
            result |= _bad(seq, "the event differs from what its hash recorded")
    elif count < exercise.last_seq:  # the last events removed leave a chain that holds
        result |= _bad(count + 1, f"events {count + 1} to {exercise.last_seq} are missing")
    return result


def _bad(seq: int, message: str) -> dict[str, Any]:
    return {"ok": False, "first_bad_seq": seq, "details": [{"path": f"events/{seq}", "message": message}]}


def verify(*, caller: Caller, exercise: Exercise) -> dict[str, Any]:
    require_staff(caller)
    return check(exercise)
