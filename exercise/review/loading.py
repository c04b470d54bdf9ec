"""The log as the review reads it: every event with who could see it, cached.

The review is a pure function of the scenario and the log, and the log only grows, so
one cached copy per exercise, tagged with the last seq it holds, is current exactly
while that seq is the exercise's last; a newer log replaces it.
"""

import json
from typing import Any

from django.core.cache import cache
from django.db import connection

from exercise.models import Event, Exercise

CACHE_SECONDS = 600


def review_events(exercise: Exercise) -> list[dict[str, Any]]:
    key = f"review-events:{exercise.pk}"
    cached = cache.get(key)
    if cached is not None and cached[0] == exercise.last_seq:
        return cached[1]
    events = _read(exercise)
    last = events[-1]["seq"] if events else 0
    if last == exercise.last_seq:  # an event appended meanwhile would make the copy stale
        cache.set(key, (last, events), CACHE_SECONDS)
    return events


def _read(exercise: Exercise) -> list[dict[str, Any]]:
    events = _read_as_json(exercise)
    prev = 0
    for event in events:
        event["prev"] = prev
        prev = event["seq"]
    return events


# PostgreSQL builds the whole list as one JSON document: one row to fetch and one parse,
# instead of an ORM object and two JSON parses per event, which dominated the first read
# of a long log (bench/review). ``at`` is written as Python's isoformat() writes it.
_LOG_AS_JSON = """
WITH recipients AS (
    SELECT er.event_id, json_agg(t.key ORDER BY t."order") AS keys
    FROM exercise_event_recipients er
    JOIN exercise_team t ON t.id = er.team_id
    WHERE t.exercise_id = %(exercise)s
    GROUP BY er.event_id
)
SELECT coalesce(json_agg(json_build_object(
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
) ORDER BY e.seq), '[]'::json)::text
FROM exercise_event e
LEFT JOIN recipients r ON r.event_id = e.id
WHERE e.exercise_id = %(exercise)s
"""


def _read_as_json(exercise: Exercise) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(_LOG_AS_JSON, {"exercise": exercise.pk})
        return json.loads(cursor.fetchone()[0])


def seen_by(event: dict[str, Any], team: str) -> bool:
    """Whether a team saw the event, by the same rule as ``envelopes.visible_to``."""
    audience = event["audience"]
    return audience == Event.Audience.EVERYONE or (audience == Event.Audience.TEAMS and team in event["recipients"])
