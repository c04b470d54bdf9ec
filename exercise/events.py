"""Appending to the event log, the exercise's source of truth, and broadcasting after commit."""

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from exercise import clock
from exercise.envelopes import envelope_text, staff_group, team_group
from exercise.event_kinds import ALL_KINDS
from exercise.models import Event, Exercise, Team
from exercise.roles import Caller

logger = logging.getLogger(__name__)


def actor_of(caller: Caller | None) -> dict[str, Any]:
    """The envelope's actor: a team and player, a staff user, or the system."""
    if caller is None:
        return {"system": True}
    if caller.player is not None:
        return {"team": caller.player.team.key, "player": caller.player.name}
    return {"user": caller.name, "role": caller.role.value}


def append(
    *,
    exercise: Exercise,
    kind: str,
    actor: Caller | None,
    data: dict[str, Any],
    audience: Event.Audience,
    recipients: Iterable[Team] = (),
    at: datetime | None = None,
) -> Event:
    """Write one event with the exercise's next seq, inside the caller's transaction.

    Callers save their own changes to the exercise first: its clock is read from the row.
    A command that re-anchors the clock passes its own ``at``, so the event sits exactly
    where the clock changed.

    The seq counter lives on the exercise row and is bumped under its row lock, so two
    writers in one exercise take turns and seq has no gaps and no repeats.
    """
    recipients = list(recipients)
    if kind not in ALL_KINDS:
        raise ValueError(f"unknown event kind {kind}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append() must run inside the transaction of the change it records")
    locked = Exercise.objects.select_for_update().only("last_seq", "status", "speed", "clock_base", "clock_anchor")
    current = locked.get(pk=exercise.pk)
    at = at or clock.now()
    current.last_seq += 1
    Exercise.objects.filter(pk=exercise.pk).update(last_seq=current.last_seq)
    exercise.last_seq = current.last_seq
    event = Event.objects.create(
        exercise=exercise,
        seq=current.last_seq,
        at=at,
        exercise_time=clock.exercise_time(current, at),
        kind=kind,
        actor=actor_of(actor),
        audience=audience,
        data=data,
    )
    if audience == Event.Audience.TEAMS:
        event.recipients.set(recipients)
    prevs = _advance_team_cursors(exercise, event, audience, recipients)
    transaction.on_commit(lambda: broadcast(event, prevs))
    if event.actor.get("team") or kind == "statement.adopted":
        from exercise import expectations  # decisions append events themselves

        expectations.on_event(exercise=exercise, event=event)
    return event


def _advance_team_cursors(
    exercise: Exercise, event: Event, audience: Event.Audience, recipients: Iterable[Team]
) -> dict[int, int]:
    """Each seeing team's previous visible seq, and move its cursor to this event.

    Runs under the exercise row lock that append() holds, so cursors move in seq order.
    """
    if audience == Event.Audience.STAFF:
        return {}
    teams = Team.objects.filter(exercise=exercise)
    if audience == Event.Audience.TEAMS:
        teams = teams.filter(pk__in=[team.pk for team in recipients])
    prevs = dict(teams.values_list("pk", "last_visible_seq"))
    teams.update(last_visible_seq=event.seq)
    return prevs


def broadcast(event: Event, prevs: dict[int, int]) -> None:
    """Send the event to the groups that may see it, each envelope serialised once.

    The layer may drop a message (channels-redis does when a channel is full); the
    socket heals such gaps from the database, using `prev`.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    messages = [(staff_group(event.exercise_id), event.seq - 1)]
    messages += [(team_group(event.exercise_id, team_id), prev) for team_id, prev in prevs.items()]
    async_to_sync(_send_all)(layer, event, messages)


async def _send_all(layer: Any, event: Event, messages: list[tuple[str, int]]) -> None:
    for group, prev in messages:
        message = {"type": "event.message", "seq": event.seq, "prev": prev, "text": envelope_text(event, prev)}
        try:
            await layer.group_send(group, message)
        except Exception:  # the event is committed; sockets catch up from the log
            logger.exception("broadcast of event %s#%s to %s failed", event.exercise_id, event.seq, group)
