"""The exercise socket. Thin: it authenticates, subscribes, replays and forwards.

Live events arrive as already serialised envelopes, one per audience. The only database
work after the replay is healing a gap: when an event's ``prev`` is past the last seq
sent (the channel layer dropped something, or broadcasts crossed), the missing events are
read from the log first, so a client sees every visible event once, in order.
"""

import asyncio
import logging
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import DatabaseError

from exercise import presence
from exercise.envelopes import staff_group, team_group, to_json, visible_after
from exercise.models import Exercise
from realtime.auth import caller_from_scope, origin_allowed

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_READ_ONLY = 4400
FIRST_RETRY_SECONDS = 0.5
LAST_RETRY_SECONDS = 5.0

logger = logging.getLogger(__name__)


class ExerciseConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.exercise_id = int(self.scope["url_route"]["kwargs"]["exercise_id"])
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        token = query.get("token", [""])[0]
        after = query.get("after", ["0"])[0]
        self.last_sent = int(after) if after.isdigit() else 0
        self.group: str | None = None

        caller, by_session = await database_sync_to_async(caller_from_scope)(self.scope, token)
        await self.accept()
        if caller is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if by_session and not origin_allowed(self.scope.get("headers", [])):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.exercise = await database_sync_to_async(Exercise.objects.filter(pk=self.exercise_id).first)()
        if self.exercise is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if caller.is_staff:
            self.team = None
            self.group = staff_group(self.exercise_id)
            self.audience = "staff"
        elif caller.player.team.exercise_id == self.exercise_id:
            self.team = caller.player.team
            self.group = team_group(self.exercise_id, self.team.pk)
            self.audience = self.team.key
        else:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        # Subscribe before reading the log: an event committed in between then arrives
        # both ways, and the duplicate is dropped by seq, instead of not arriving at all.
        # Live messages wait in the layer until this handler returns.
        await self.channel_layer.group_add(self.group, self.channel_name)
        await database_sync_to_async(presence.joined)(self.exercise_id, self.audience)
        await self._send_from_log()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await database_sync_to_async(presence.left)(self.exercise_id, self.audience)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.close(code=CLOSE_READ_ONLY)

    async def event_message(self, message: dict) -> None:
        if message["seq"] <= self.last_sent:
            return
        # prev below what was sent is no gap: a socket that resumed after a seq the team
        # never saw starts past the team's own previous event.
        if message["prev"] > self.last_sent:
            await self._send_from_log(before=message["seq"])
            if message["seq"] <= self.last_sent:
                return
        await self.send(text_data=message["text"])
        self.last_sent = message["seq"]

    async def _send_from_log(self, before: int | None = None) -> None:
        frames = await self._read_log_patiently(before)
        for seq, text in frames:
            await self.send(text_data=text)
            self.last_sent = seq

    async def _read_log_patiently(self, before: int | None) -> list[tuple[int, str]]:
        """The log's frames, however long the database takes to answer.

        Under overload a read can wait past the connection pool's timeout. Giving up would
        close the socket, and every client reconnecting would add to the load; instead the
        socket retries, and live events wait behind it in order.
        """
        pause = FIRST_RETRY_SECONDS
        while True:
            try:
                return await database_sync_to_async(self._read_log)(before)
            except DatabaseError:
                logger.warning("exercise %s socket: reading the log failed; retrying", self.exercise_id, exc_info=True)
            await asyncio.sleep(pause)
            pause = min(pause * 2, LAST_RETRY_SECONDS)

    def _read_log(self, before: int | None) -> list[tuple[int, str]]:
        return [
            (item["seq"], to_json(item))
            for item in visible_after(self.exercise, self.team, self.last_sent, before=before)
        ]
