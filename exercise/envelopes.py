"""The event envelope, the same over HTTP and the socket, and who may see which event."""

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Max, Q, QuerySet

from exercise.catalogue import sentence
from exercise.models import Event, Exercise, Team


def staff_group(exercise_id: int) -> str:
    return f"exercise.{exercise_id}.staff"


def team_group(exercise_id: int, team_id: int) -> str:
    return f"exercise.{exercise_id}.team.{team_id}"


def envelope(event: Event, prev: int) -> dict[str, Any]:
    return _envelope(event.seq, event.kind, event.at, event.exercise_time, event.actor, event.data, prev)


# The columns an envelope is made of, read as plain values: a model instance per event
# cost a replay of 1,000 events about 10 ms more than the values (bench/catchup).
_COLUMNS = ("seq", "kind", "at", "exercise_time", "actor", "data")


def _envelope(
    seq: int, kind: str, at: datetime, exercise_time: float, actor: dict, data: dict, prev: int
) -> dict[str, Any]:
    return {
        "seq": seq,
        "prev": prev,
        "kind": kind,
        "at": at.isoformat(),
        "exercise_time": exercise_time,
        "actor": actor,
        "data": data,
        # The sentence the event reads as, the same in the feed, the review and the exports.
        "summary": sentence({"kind": kind, "actor": actor, "data": data}),
    }


# Made once: json.dumps with options builds an encoder per call, and a replay encodes an
# envelope per event.
to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def visible_to(exercise: Exercise | int, team: Team | None) -> QuerySet[Event]:
    """Events of the exercise (or of the exercise of that id) that a team sees, or every
    event for staff (team None)."""
    events = Event.objects.filter(exercise=exercise)
    if team is None:
        return events
    return events.filter(Q(audience=Event.Audience.EVERYONE) | Q(audience=Event.Audience.TEAMS, recipients=team))


def visible_after(
    exercise: Exercise | int,
    team: Team | None,
    after: int,
    *,
    before: int | None = None,
    limit: int | None = None,
    prev: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Envelopes of the visible events after ``after`` (and before ``before``), ascending.
    ``prev``, when the caller knows it (``after`` is itself a visible event's seq), spares
    looking up the last visible event at or before ``after``."""
    visible = visible_to(exercise, team)
    if prev is None:
        prev = _last_visible(exercise, team, after)
    events = visible.filter(seq__gt=after).order_by("seq")
    if before is not None:
        events = events.filter(seq__lt=before)
    if limit is not None:
        events = events[:limit]
    # A page (a limited read) is read with one query, not a server-side cursor's three.
    columns = events.values_list(*_COLUMNS)
    rows = columns if limit is not None else columns.iterator(chunk_size=500)
    for seq, kind, at, exercise_time, actor, data in rows:
        yield _envelope(seq, kind, at, exercise_time, actor, data, prev)
        prev = seq


def _last_visible(exercise: Exercise | int, team: Team | None, after: int) -> int:
    """The seq of the last event visible at or before ``after``: the first envelope's prev.

    Staff see every seq and seqs have no gaps, so the next event's prev is ``after`` itself.
    A team at or past its cursor (its newest visible event, read fresh) has the cursor:
    the case of every socket that opens or resumes where its page left off, which would
    otherwise scan the team's whole log (about 10 ms at 4,000 events, measured). Only a
    team catching up from further back scans.
    """
    if team is None:
        return after
    cursor = Team.objects.filter(pk=team.pk).values_list("last_visible_seq", flat=True).first() or 0
    if after >= cursor:
        return cursor
    return visible_to(exercise, team).filter(seq__lte=after).aggregate(last=Max("seq"))["last"] or 0
