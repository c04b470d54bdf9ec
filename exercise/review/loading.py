"""The log as the review reads it: every event with who could see it, cached.

The review is a pure function of the scenario and the log, and the log only grows, so
one cached copy per exercise, tagged with the last seq it holds, is current exactly
while that seq is the exercise's last; a newer log replaces it.
"""

import json
from collections.abc import Iterator
from datetime import UTC
from typing import Any

from django.core.cache import cache
from django.db import connection

from exercise.models import Event, Exercise

CACHE_SECONDS = 600


def _key(exercise: Exercise) -> str:
    return f"review-events:{exercise.pk}"


def _cached(exercise: Exercise) -> list[dict[str, Any]] | None:
    cached = cache.get(_key(exercise))
    return cached[1] if cached is not None and cached[0] == exercise.last_seq else None


def review_events(exercise: Exercise) -> list[dict[str, Any]]:
    cached = _cached(exercise)
    if cached is not None:
        return cached
    events = _read(exercise)
    last = events[-1]["seq"] if events else 0
    if last == exercise.last_seq:  # an event appended meanwhile would make the copy stale
        cache.set(_key(exercise), (last, events), CACHE_SECONDS)
    return events


def _read(exercise: Exercise) -> list[dict[str, Any]]:
    # The whole log as it stands, even past the last seq this copy of the exercise knows.
    return [event for page in _pages(exercise, 5000, last=None) for event in page]


# The events one row each, a page of them in seq order after a given seq, as plain columns:
# PostgreSQL building each event as JSON (json_build_object, to_char) cost it three times
# what the rows cost to read, and Python parses two small documents per row as fast as one
# large one (bench/review).
_PAGE = """
SELECT e.id, e.seq, e.kind, e.at, e.exercise_time, e.actor::text, e.data::text, e.audience
FROM exercise_event e
WHERE e.exercise_id = %(exercise)s AND e.seq > %(after)s AND e.seq <= %(last)s
ORDER BY e.seq
LIMIT %(size)s
"""

# The recipients of a page's events, in one query beside it rather than one per event.
_RECIPIENTS = """
SELECT er.event_id, t.key
FROM exercise_event_recipients er
JOIN exercise_team t ON t.id = er.team_id
WHERE er.event_id = ANY(%(events)s)
ORDER BY er.event_id, t."order"
"""


def _seconds(value: float) -> float:
    # As the log has always read (JSON from PostgreSQL): a whole number of seconds is an
    # integer, so the review's JSON writes 60, not 60.0.
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _pages(exercise: Exercise, size: int, last: int | None) -> Iterator[list[dict[str, Any]]]:
    """The log after seq 0 up to ``last`` (None: to its end), ``size`` events at a time."""
    loads = json.loads
    prev = 0
    bound = (1 << 63) - 1 if last is None else last
    while prev < bound:
        with connection.cursor() as cursor:
            cursor.execute(_PAGE, {"exercise": exercise.pk, "after": prev, "last": bound, "size": size})
            rows = cursor.fetchall()
            if not rows:
                return
            cursor.execute(_RECIPIENTS, {"events": [row[0] for row in rows]})
            recipients: dict[int, list[str]] = {}
            for event_id, key in cursor.fetchall():
                recipients.setdefault(event_id, []).append(key)
        page = []
        for pk, seq, kind, at, exercise_time, actor, data, audience in rows:
            page.append(
                {
                    "seq": seq,
                    "kind": kind,
                    "at": at.astimezone(UTC).isoformat(),
                    "exercise_time": _seconds(exercise_time),
                    "actor": loads(actor),
                    "data": loads(data),
                    "audience": audience,
                    "recipients": recipients.get(pk, []),
                    "prev": prev,
                }
            )
            prev = seq
        yield page
        if len(page) < size:
            return


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
