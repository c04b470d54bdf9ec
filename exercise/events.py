"""Appending to the event log, the exercise's source of truth, and broadcasting after commit."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import connection, transaction
from django.db.models import Field

from exercise import broadcast_loop, catalogue, clock
from exercise.envelopes import envelope as event_envelope
from exercise.envelopes import staff_group, team_group, to_json
from exercise.event_data import EventData
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
    data: EventData,
    audience: Event.Audience,
    recipients: Iterable[Team] = (),
    at: datetime | None = None,
) -> Event:
    """Write one event with the exercise's next seq, inside the caller's transaction, and
    schedule its broadcast for the commit. ``data`` must be the kind's schema (catalogue).

    Callers save their own changes to the exercise first: its clock is read from the row.
    A command that re-anchors the clock passes its own ``at``, so the event sits exactly
    where the clock changed.

    Taking the seq is an UPDATE of the exercise row, which holds the row's lock until the
    commit: appends in one exercise take turns, and seq has no gaps and no repeats. Append
    last, so that the lock covers little more than the append and the commit. Deciding
    the expectations an event meets is the calling service's job (expectations.on_event).
    """
    stored_data = catalogue.checked_data(kind, data, audience)
    recipients = list(recipients) if audience == Event.Audience.TEAMS else []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("append() must run inside the transaction of the change it records")
    # Time runs with the seqs: an event is never stamped before the one it follows, even
    # when its writer read the clock before a concurrent writer took the previous seq.
    counter, at = _next_seq(exercise.pk, at or clock.now())
    exercise.last_seq = counter.last_seq
    event = Event(
        exercise=exercise,
        seq=counter.last_seq,
        at=at,
        exercise_time=clock.exercise_time(counter, at),
        kind=kind,
        actor=actor_of(actor),
        audience=audience,
        data=stored_data,
    )
    recorded(event, _store(event, recipients))
    return event


def recorded(event: Event, stored: "Stored") -> None:
    """What follows an event's insert, in its transaction: the broadcast once committed.
    The event remembers whether expectations were open, so the engine can skip it."""
    event.open_checks = stored.open_checks
    transaction.on_commit(lambda: broadcast(event, stored.prevs))


def _next_seq(exercise_id: int, at: datetime) -> tuple[Exercise, datetime]:
    """Bump the exercise's seq counter, locking its row until the commit; the row's new
    counter, status and clock, and the event's time (``at``, or the previous event's if
    that is later: parley_event_time, migration 0005). The UPDATE waits for an earlier
    holder's commit, then reads the row as that commit left it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH bumped AS (UPDATE exercise_exercise SET last_seq = last_seq + 1 WHERE id = %s "
            "RETURNING id, last_seq, status, speed, clock_base, clock_anchor) "
            "SELECT bumped.*, parley_event_time(id, last_seq, %s) FROM bumped",
            [exercise_id, at],
        )
        pk, last_seq, status, speed, clock_base, clock_anchor, event_at = cursor.fetchone()
    counter = Exercise(
        pk=pk, last_seq=last_seq, status=status, speed=speed, clock_base=clock_base, clock_anchor=clock_anchor
    )
    return counter, event_at


@dataclass(frozen=True)
class Stored:
    prevs: dict[int, int]  # each seeing team's previous visible seq
    open_checks: bool  # whether the exercise has undecided expectations


# The whole insert in one round trip: the event, its recipients, and the cursors of the
# teams that see it. It runs after _next_seq() took the exercise's lock, so cursors move
# in seq order. The cursor UPDATE joins the team table to itself: the joined copy is read
# from the statement's snapshot, so it returns each cursor as it was before this event.
_STORE_SQL = """
WITH event AS (
    INSERT INTO exercise_event (exercise_id, seq, at, exercise_time, kind, actor, audience, data)
    VALUES (%(exercise)s, %(seq)s, %(at)s, %(exercise_time)s, %(kind)s, %(actor)s, %(audience)s, %(data)s)
    RETURNING id
), recipients AS (
    INSERT INTO exercise_event_recipients (event_id, team_id)
    SELECT event.id, team FROM event, unnest(%(teams)s::bigint[]) AS team
), cursors AS (
    UPDATE exercise_team AS team SET last_visible_seq = %(seq)s
    FROM exercise_team AS before
    WHERE before.id = team.id AND team.exercise_id = %(exercise)s
        AND %(moves)s AND (%(all)s OR team.id = ANY(%(teams)s::bigint[]))
    RETURNING team.id, before.last_visible_seq
)
SELECT
    (SELECT id FROM event),
    (SELECT coalesce(json_object_agg(id, last_visible_seq), '{}') FROM cursors),
    EXISTS (
        SELECT 1 FROM exercise_expectationcheck
        WHERE exercise_id = %(exercise)s AND status = 'open'
    )
"""


def _store(event: Event, recipients: list[Team]) -> Stored:
    def prepared(name: str) -> Any:
        field = Event._meta.get_field(name)
        if not isinstance(field, Field):  # a column of the event, never a reverse relation
            raise TypeError(f"Event.{name} is not a column")
        return field.get_db_prep_save(getattr(event, name), connection)

    with connection.cursor() as cursor:
        cursor.execute(
            _STORE_SQL,
            {
                "exercise": event.exercise_id,
                "seq": event.seq,
                "at": event.at,
                "exercise_time": event.exercise_time,
                "kind": event.kind,
                "actor": prepared("actor"),
                "audience": event.audience,
                "data": prepared("data"),
                "teams": [team.pk for team in recipients],
                "moves": event.audience != Event.Audience.STAFF,
                "all": event.audience == Event.Audience.EVERYONE,
            },
        )
        event_id, prevs, open_checks = cursor.fetchone()
    event.pk = event_id
    event._state.adding = False
    return Stored({int(team): prev for team, prev in prevs.items()}, open_checks)


def broadcast(event: Event, prevs: dict[int, int]) -> None:
    """Send the event to the groups that may see it, each envelope serialised once.

    The layer may drop a message (channels-redis does when a channel is full); the
    socket heals such gaps from the database, using `prev`.
    """
    layer = get_channel_layer()
    if layer is not None:
        broadcast_loop.run(send_all, layer, event, prevs, own_loop=not isinstance(layer, InMemoryChannelLayer))


async def send_all(layer: Any, event: Event, prevs: dict[int, int]) -> None:
    """broadcast() for a caller already on the event loop."""
    messages = [(staff_group(event.exercise_id), event.seq - 1)]
    messages += [(team_group(event.exercise_id, team_id), prev) for team_id, prev in prevs.items()]
    envelope = event_envelope(event, 0)  # its sentence worked out once, not once a group
    for group, prev in messages:
        text = to_json(envelope | {"prev": prev})
        # The group by name: a server process receives all its groups on one channel (realtime.fanout).
        message = {"type": "event.message", "group": group, "seq": event.seq, "prev": prev, "text": text}
        try:
            await layer.group_send(group, message)
        except Exception:  # the event is committed; sockets catch up from the log
            logger.exception("broadcast of event %s#%s to %s failed", event.exercise_id, event.seq, group)
