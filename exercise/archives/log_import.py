"""The archive's log written into a new exercise, and checked link by link against the
chain it carries: PostgreSQL hashes each event as it goes in (exercise/chain.py), so the
first event whose hash differs from the archive's is the first one altered."""

import json
from typing import Any

from django.db import DataError, connection, transaction
from pydantic import ValidationError

from exercise import catalogue
from exercise.archives.fields import mapping, moment, number, parsed, problem, text
from exercise.models import Exercise

_FIELDS = ("seq", "kind", "at", "exercise_time", "actor", "audience", "recipients", "data", "hash")


def read_lines(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    """Each event's line and its value, checked to be the event with the next seq."""
    events = []
    for position, line in enumerate(raw.decode(errors="replace").splitlines(), start=1):
        path = f"events/{position}"
        event = mapping(parsed(line.encode(), path), path)
        if set(event) != set(_FIELDS):
            raise problem(path, f"an event has exactly the fields {', '.join(_FIELDS)}")
        if event["seq"] != position:
            missing = "missing, or the events reordered" if isinstance(event["seq"], int) else "not a seq"
            raise problem(path, f"event {position} is {missing}: line {position} holds seq {event['seq']!r}")
        moment(event, "at", path)
        number(event, "exercise_time", path)
        mapping(event["actor"], f"{path}/actor")
        _check_kind(event, path)
        if not isinstance(event["recipients"], list):
            raise problem(f"{path}/recipients", "must be a list of team keys")
        text(event, "hash", path, limit=64)
        events.append((line, event))
    return events


def _check_kind(event: dict[str, Any], path: str) -> None:
    """A kind of the catalogue, with its audience and data schema: what every page that
    draws the log relies on, however the archive's hashes came about."""
    entry = catalogue.KINDS.get(event["kind"]) if isinstance(event["kind"], str) else None
    if entry is None:
        raise problem(f"{path}/kind", "not an event kind of this Parley")
    if event["audience"] not in entry.audiences:
        raise problem(f"{path}/audience", f"{event['kind']} is for {entry.audience}")
    try:
        entry.data.model_validate(mapping(event["data"], f"{path}/data"))
    except ValidationError as exc:
        raise problem(f"{path}/data", f"not the data of {event['kind']}: {exc.errors()[0]['msg']}") from exc


# The lines go in as the archive wrote them (its jsonb text), in seq order: the trigger
# hashes each row with the hash of the row before, inserted just before it.
_INSERT = """
INSERT INTO exercise_event (exercise_id, seq, at, exercise_time, kind, actor, audience, data)
SELECT %(exercise)s, (e->>'seq')::bigint, (e->>'at')::timestamptz, (e->>'exercise_time')::double precision,
    e->>'kind', e->'actor', e->>'audience', e->'data'
FROM unnest(%(lines)s::jsonb[]) WITH ORDINALITY AS line(e, n)
ORDER BY n
RETURNING id, seq, hash
"""

_RECIPIENTS = """
INSERT INTO exercise_event_recipients (event_id, team_id)
SELECT * FROM unnest(%(events)s::bigint[], %(teams)s::bigint[])
"""


def write(exercise: Exercise, events: list[tuple[str, dict[str, Any]]]) -> str | None:
    """Insert the events, refuse the archive at the first whose hash is not the one it
    carries, and give the chain's head."""
    if not events:
        return None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_INSERT, {"exercise": exercise.pk, "lines": [line for line, _ in events]})
            rows = {seq: (event_id, written) for event_id, seq, written in cursor.fetchall()}
    except DataError as exc:  # a value PostgreSQL cannot take, past the checks above
        raise problem("events", f"an event cannot be stored ({exc})") from exc
    for _, event in events:
        if rows[event["seq"]][1] != event["hash"]:
            raise problem(f"events/{event['seq']}", "the event is not the one the archive's hash chain recorded")
    _write_recipients(exercise, events, {seq: event_id for seq, (event_id, _) in rows.items()})
    return rows[len(events)][1]


def _write_recipients(exercise: Exercise, events: list[tuple[str, dict[str, Any]]], ids: dict[int, int]) -> None:
    teams = dict(exercise.teams.values_list("key", "id"))
    pairs = []
    for _, event in events:
        for key in event["recipients"]:
            if key not in teams:
                raise problem(f"events/{event['seq']}/recipients", f"the exercise has no team {json.dumps(key)}")
            pairs.append((ids[event["seq"]], teams[key]))
    if pairs:
        with connection.cursor() as cursor:
            cursor.execute(_RECIPIENTS, {"events": [p[0] for p in pairs], "teams": [p[1] for p in pairs]})
