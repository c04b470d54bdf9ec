"""A hotline message in one round trip to PostgreSQL: the busiest command of an exercise.

The function ``parley_hotline_message`` (migrations 0004 and 0005) is the one writer of a
hotline message. It checks the line, takes the seq
and writes the message, its event, the event's recipients and the teams' cursors, all
under the locks, and in the order, of every other hotline command. It writes only an
open line's message and answers no row otherwise; ``hotlines`` then says why.

Two callers share it: ``hotlines.send_message`` inside its transaction, and the hotline
POST that runs on the event loop (``players.hotline_http``), where the statement is its
own transaction and may not take expectation decisions: the function then records a
message that might decide one as pending (``PendingDecision``), for
``expectations.decide_pending`` right after, so that the answer is the same whether or
not any team has an open expectation.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection

from exercise import catalogue, clock, shapes
from exercise.commands import LARGEST_ID
from exercise.events import Stored, actor_of
from exercise.models import Event, Message
from exercise.roles import Caller, require_player

KIND = "hotline.message"

SQL = (
    "SELECT * FROM parley_hotline_message(%s::bigint, %s::bigint, %s::text, %s::text, %s::jsonb,"
    " %s::timestamptz, %s::boolean, %s::text, %s::text, %s::jsonb)"
)


@dataclass(frozen=True)
class Sent:
    message: Message
    event: Event
    stored: Stored

    @property
    def answer(self) -> dict[str, Any]:
        """The command's answer: the message and its seq, as every command answers."""
        return shapes.message(self.message) | {"seq": self.event.seq}


@dataclass(frozen=True)
class Call:
    """One call of the function: its arguments, and what reading its row needs."""

    caller: Caller
    hotline_id: int
    text: str
    may_decide: bool
    client_id: str | None = None
    sent_at: datetime = field(default_factory=clock.now)

    @property
    def params(self) -> tuple[Any, ...]:
        player = self.caller.player
        assert player is not None, "only players send on a hotline"
        # The receipt's answer is the command's answer; the ids it lacks are added in SQL.
        answer = shapes.message(self._message(None)) | {"seq": None} if self.client_id is not None else None
        return (
            self.hotline_id,
            player.team.pk,
            self.caller.name,
            self.text,
            json.dumps(actor_of(self.caller)),
            self.sent_at,
            self.may_decide,
            f"player:{player.pk}",
            self.client_id,
            json.dumps(answer) if answer else None,
        )

    def sent(self, row: tuple | None) -> Sent | None:
        """What the function's row says was written, or None when it wrote nothing."""
        if row is None:
            return None
        message_id, seq, at, exercise_time, data, prevs, open_checks = row
        message = self._message(message_id)
        event = Event(
            exercise_id=message.exercise_id,
            seq=seq,
            at=at.astimezone(UTC),
            exercise_time=exercise_time,
            kind=KIND,
            actor=actor_of(self.caller),
            audience=Event.Audience.TEAMS,
            data=json.loads(data),
        )
        # The function shapes the data in SQL; the catalogue's schema is the judge of it.
        catalogue.kind(KIND).data.model_validate(event.data)
        cursors = {int(team): prev for team, prev in json.loads(prevs).items()}
        return Sent(message, event, Stored(cursors, open_checks))

    def _message(self, message_id: int | None) -> Message:
        team = require_player(self.caller).team
        message = Message(
            pk=message_id,
            exercise_id=team.exercise_id,
            hotline_id=self.hotline_id,
            team=team,
            author=self.caller.name,
            text=self.text,
            sent_at=self.sent_at,
        )
        message._state.adding = message_id is None
        return message


def send(caller: Caller, hotline_id: int, text: str) -> Sent | None:
    """Inside the caller's transaction, which takes the expectation decisions."""
    if hotline_id > LARGEST_ID:
        return None  # no such hotline: the caller explains the refusal
    call = Call(caller, hotline_id, text, may_decide=True)
    with connection.cursor() as cursor:
        cursor.execute(SQL, call.params)
        return call.sent(cursor.fetchone())


async def send_async(db: Any, caller: Caller, hotline_id: int, text: str, client_id: str | None) -> Sent | None:
    """On an autocommitting psycopg connection: the statement is the whole transaction,
    receipt included. It takes no expectation decision; the event's ``open_checks`` then
    says whether the message awaits them (``expectations.decide_pending``)."""
    call = Call(caller, hotline_id, text, may_decide=False, client_id=client_id)
    cursor = await db.execute(SQL, call.params)
    return call.sent(await cursor.fetchone())
