"""Appending to the event log, the exercise's source of truth."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from exercise import clock
from exercise.event_kinds import ALL_KINDS
from exercise.models import Event, Exercise, Team
from exercise.roles import Caller


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
) -> Event:
    """Write one event with the exercise's next seq, inside the caller's transaction.

    Callers save their own changes to the exercise first: its clock is read from the row.

    The seq counter lives on the exercise row and is bumped under its row lock, so two
    writers in one exercise take turns and seq has no gaps and no repeats.
    """
    if kind not in ALL_KINDS:
        raise ValueError(f"unknown event kind {kind}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append() must run inside the transaction of the change it records")
    locked = Exercise.objects.select_for_update().only("last_seq", "status", "speed", "clock_base", "clock_anchor")
    current = locked.get(pk=exercise.pk)
    at = clock.now()
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
    return event
