"""The log as the review reads it: every event with who could see it, cached.

The review is a pure function of the scenario and the log, and the log only grows, so
one cached copy per exercise, tagged with the last seq it holds, is current exactly
while that seq is the exercise's last; a newer log replaces it.
"""

from collections import defaultdict
from typing import Any

from django.core.cache import cache

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
    recipients: dict[int, list[str]] = defaultdict(list)
    through = Event.recipients.through.objects.filter(event__exercise=exercise)
    for event_id, team_key in through.order_by("team__order").values_list("event_id", "team__key"):
        recipients[event_id].append(team_key)
    rows = (
        Event.objects.filter(exercise=exercise)
        .order_by("seq")
        .values_list("pk", "seq", "at", "exercise_time", "kind", "actor", "audience", "data")
    )
    events, prev = [], 0
    for pk, seq, at, exercise_time, kind, actor, audience, data in rows.iterator(chunk_size=2000):
        events.append(
            {
                "seq": seq,
                "prev": prev,
                "kind": kind,
                "at": at.isoformat(),
                "exercise_time": exercise_time,
                "actor": actor,
                "data": data,
                "audience": audience,
                "recipients": recipients.get(pk, []),
            }
        )
        prev = seq
    return events


def seen_by(event: dict[str, Any], team: str) -> bool:
    """Whether a team saw the event, by the same rule as ``envelopes.visible_to``."""
    audience = event["audience"]
    return audience == Event.Audience.EVERYONE or (audience == Event.Audience.TEAMS and team in event["recipients"])
