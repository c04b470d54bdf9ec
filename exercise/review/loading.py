"""The log as the review reads it: every event with who could see it, cached.

The review is a pure function of the scenario and the log, and the log only grows, so
one cached copy per exercise, tagged with the last seq it holds, is current exactly
while that seq is the exercise's last; a newer log replaces it.
"""

import json
import marshal
import sys
from collections.abc import Iterator
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.backends.utils import CursorWrapper

from exercise.models import Event, Exercise

CACHE_SECONDS = 600


def _key(exercise: Exercise) -> str:
    # marshal's format is the interpreter's own: a copy written by another version of
    # Python (a server mid-upgrade) has another key, rather than being misread.
    return f"review-events:{sys.implementation.cache_tag}:{exercise.pk}"


# The copy is marshalled, not pickled as the cache would: the events are plain JSON values
# (dicts, lists, strings, numbers), which marshal writes four times and reads a third
# faster than pickle (20,000 events: 40 and 70 ms against 143 and 92 ms, bench/review).
def _cached(exercise: Exercise) -> list[dict[str, Any]] | None:
    cached = cache.get(_key(exercise))
    if cached is None or cached[0] != exercise.last_seq:
        return None
    return marshal.loads(cached[1])  # noqa: S302 - our own cache, trusted as the pickles Django's cache reads


def review_events(exercise: Exercise) -> list[dict[str, Any]]:
    cached = _cached(exercise)
    if cached is not None:
        return cached
    events = _read(exercise)
    last = events[-1]["seq"] if events else 0
    if last == exercise.last_seq:  # an event appended meanwhile would make the copy stale
        cache.set(_key(exercise), (last, marshal.dumps(events)), CACHE_SECONDS)
    return events


def _read(exercise: Exercise) -> list[dict[str, Any]]:
    # The whole log as it stands, even past the last seq this copy of the exercise knows.
    return [event for page in _pages(exercise, 5000, last=None) for event in page]


# The events one row each, a page of them in seq order after a given seq, as plain columns:
# PostgreSQL building each event as one JSON object (json_build_object) cost it three times
# what the rows cost to read. The time comes as text in UTC, as isoformat() writes it short
# of the zone: Django's loader of a time with its zone is Python, a third of the read.
# Each event's recipients are the ids of their teams, looked up beside it on the
# recipients' index by event; their keys come from the exercise's teams, read once, rather than from a
# join per recipient, which cost twice as much (bench/review).
_PAGE = """
SELECT e.seq, e.kind, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), e.exercise_time,
    e.actor::text, e.data::text, e.audience,
    (SELECT array_agg(er.team_id) FROM exercise_event_recipients er WHERE er.event_id = e.id)
FROM exercise_event e
WHERE e.exercise_id = %(exercise)s AND e.seq > %(after)s AND e.seq <= %(last)s
ORDER BY e.seq
LIMIT %(size)s
"""

_TEAMS = """
SELECT t.id, t.key FROM exercise_team t WHERE t.exercise_id = %(exercise)s ORDER BY t."order", t.id
"""


def _seconds(value: float) -> float:
    # As the log has always read (JSON from PostgreSQL): a whole number of seconds is an
    # integer, so the review's JSON writes 60, not 60.0.
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _iso(local: str) -> str:
    # isoformat() of the time in UTC: no fraction when it has no microseconds.
    return (local[:-7] if local.endswith(".000000") else local) + "+00:00"


def _documents(texts: list[str]) -> list[Any]:
    """JSON texts parsed in one go: one parse of a page's worth costs a third of as many
    small ones, whose cost is mostly the call."""
    return json.loads("[" + ",".join(texts) + "]")


def _pages(exercise: Exercise, size: int, last: int | None) -> Iterator[list[dict[str, Any]]]:
    """The log after seq 0 up to ``last`` (None: to its end), ``size`` events at a time.

    The connection is in pipeline mode meanwhile: the next page is asked for as soon as
    this one has arrived, before it is made into events and handed on, so PostgreSQL reads
    it while Python works (20,000 events on this 2-core machine: 270-410 ms against
    400-430 ms one page after the other)."""
    bound = (1 << 63) - 1 if last is None else last
    with connection.cursor() as cursor:
        cursor.execute(_TEAMS, {"exercise": exercise.pk})
        teams = {pk: (rank, key) for rank, (pk, key) in enumerate(cursor.fetchall())}
    prev = 0
    with connection.connection.pipeline():
        asked: CursorWrapper | None = _ask(exercise, prev, bound, size)
        while asked is not None:
            with asked:
                rows = asked.fetchall()
            full = len(rows) == size and rows[-1][0] < bound
            asked = _ask(exercise, rows[-1][0], bound, size) if full else None
            if rows:
                yield _events(rows, teams, prev)
                prev = rows[-1][0]


def _ask(exercise: Exercise, after: int, last: int, size: int) -> CursorWrapper:
    cursor = connection.cursor()
    cursor.execute(_PAGE, {"exercise": exercise.pk, "after": after, "last": last, "size": size})
    return cursor


def _events(rows: list[tuple[Any, ...]], teams: dict[int, tuple[int, str]], prev: int) -> list[dict[str, Any]]:
    """A page's rows as events; ``prev`` is the seq before the first."""
    actors = _documents([row[4] for row in rows])
    data = _documents([row[5] for row in rows])
    page = []
    for (seq, kind, at, seconds, _, _, audience, recipients), actor, datum in zip(rows, actors, data, strict=True):
        page.append(
            {
                "seq": seq,
                "kind": kind,
                "at": _iso(at),
                "exercise_time": _seconds(seconds),
                "actor": actor,
                "data": datum,
                "audience": audience,
                "recipients": [key for _, key in sorted([teams[team] for team in recipients])] if recipients else [],
                "prev": prev,
            }
        )
        prev = seq
    return page


def events_in_chunks(exercise: Exercise, size: int = 1000) -> Iterator[list[dict[str, Any]]]:
    """The log up to the exercise's last seq as read, ``size`` events at a time in seq
    order, each as ``review_events`` gives it: from the cached copy when it is current,
    else a page at a time, so a long log is never held whole and its first events can be
    sent before the last are read.

    Pages by seq rather than a server-side cursor: the log only grows and its seqs only
    rise, so each page is a short query of its own on the (exercise, seq) index, with no
    transaction held open while a slow client reads (and nothing a pooler must keep)."""
    cached = _cached(exercise)
    if cached is not None:
        for start in range(0, len(cached), size):
            yield cached[start : start + size]
        return
    yield from _pages(exercise, size, last=exercise.last_seq)


def seen_by(event: dict[str, Any], team: str) -> bool:
    """Whether a team saw the event, by the same rule as ``envelopes.visible_to``."""
    audience = event["audience"]
    return audience == Event.Audience.EVERYONE or (audience == Event.Audience.TEAMS and team in event["recipients"])
