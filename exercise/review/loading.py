"""The log as the review reads it: every event with who could see it, cached.

The review is a pure function of the scenario and the log, and the log only grows, so
one cached copy per exercise, tagged with the last seq it holds, is current exactly
while that seq is the exercise's last; a newer log replaces it.
"""

import json
from collections.abc import Iterator
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
    events = _read_as_json(exercise)
    prev = 0
    for event in events:
        event["prev"] = prev
        prev = event["seq"]
    return events


# One event as the review reads it, built by PostgreSQL; ``at`` is written as Python's
# isoformat() writes it.
_EVENT_AS_JSON = """json_build_object(
    'seq', e.seq,
    'kind', e.kind,
    'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN extract(microseconds FROM e.at)::bigint %% 1000000 = 0 THEN ''
           ELSE to_char(e.at AT TIME ZONE 'UTC', '.US') END
        || '+00:00',
    'exercise_time', e.exercise_time,
    'actor', e.actor,
    'data', e.data,
    'audience', e.audience,
    'recipients', coalesce(r.keys, '[]'::json)
)"""

# PostgreSQL builds the whole list as one JSON document: one row to fetch and one parse,
# instead of an ORM object and two JSON parses per event, which dominated the first read
# of a long log (bench/review).
_LOG_AS_JSON = f"""
WITH recipients AS (
    SELECT er.event_id, json_agg(t.key ORDER BY t."order") AS keys
    FROM exercise_event_recipients er
    JOIN exercise_team t ON t.id = er.team_id
    WHERE t.exercise_id = %(exercise)s
    GROUP BY er.event_id
)
SELECT coalesce(json_agg({_EVENT_AS_JSON} ORDER BY e.seq), '[]'::json)::text
FROM exercise_event e
LEFT JOIN recipients r ON r.event_id = e.id
WHERE e.exercise_id = %(exercise)s
"""  # noqa: S608 (made of constants: the values go as parameters)

# The same events one row each, a page of them in seq order after a given seq, for a
# reader that sends them on as they come: each event's recipients are looked up beside it,
# so a page costs its own rows, never the whole log's.
_PAGE_AS_ROWS = f"""
SELECT {_EVENT_AS_JSON}::text
FROM exercise_event e
LEFT JOIN LATERAL (
    SELECT json_agg(t.key ORDER BY t."order") AS keys
    FROM exercise_event_recipients er
    JOIN exercise_team t ON t.id = er.team_id
    WHERE er.event_id = e.id
) r ON true
WHERE e.exercise_id = %(exercise)s AND e.seq > %(after)s AND e.seq <= %(last)s
ORDER BY e.seq
LIMIT %(size)s
"""  # noqa: S608 (made of constants: the values go as parameters)


def _read_as_json(exercise: Exercise) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(_LOG_AS_JSON, {"exercise": exercise.pk})
        return json.loads(cursor.fetchone()[0])


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
    prev = 0
    while prev < exercise.last_seq:
        with connection.cursor() as cursor:
            page = {"exercise": exercise.pk, "after": prev, "last": exercise.last_seq, "size": size}
            cursor.execute(_PAGE_AS_ROWS, page)
            chunk = [json.loads(text) for (text,) in cursor.fetchall()]
        if not chunk:
            return
        for event in chunk:
            event["prev"] = prev
            prev = event["seq"]
        yield chunk


def seen_by(event: dict[str, Any], team: str) -> bool:
    """Whether a team saw the event, by the same rule as ``envelopes.visible_to``."""
    audience = event["audience"]
    return audience == Event.Audience.EVERYONE or (audience == Event.Audience.TEAMS and team in event["recipients"])
