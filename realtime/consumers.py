"""The exercise socket. Thin: it authenticates, subscribes, replays and forwards.

Live events arrive as already serialised envelopes, one per audience, through the
process's one subscription per group (realtime.fanout) into the socket's inbox; the socket
has no channel-layer channel of its own. An event whose
``prev`` is past the last seq sent arrived before an earlier one: broadcasts from
concurrent commands cross on the way, which at a few hundred events a second is common.
It is held a moment for the earlier one to arrive. Only when that does not happen (the
channel layer dropped it) are the missing events read from the log, the socket's one
database work after the replay. Either way a client sees every visible event once, in
order.
"""

import asyncio
import logging
import re
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import DatabaseError

from exercise import presence, staffing
from exercise.commands import LARGEST_ID
from exercise.envelopes import staff_group, team_group, to_json, visible_after
from exercise.errors import NotFound
from exercise.models import Exercise
from exercise.roles import Caller
from realtime import tickets
from realtime.auth import caller_from_scope, origin_allowed
from realtime.fanout import Inbox, fanout

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_BAD_REQUEST = 4400  # an `after` that is not a seq, or a frame sent to this read-only socket
SEQ = re.compile(r"[0-9]{1,19}")
FIRST_RETRY_SECONDS = 0.5
# How long an event waits for the one before it before the log is read instead. Crossed
# broadcasts arrive within a few milliseconds of each other; a dropped one never does.
HOLD_SECONDS = 0.1
LAST_RETRY_SECONDS = 5.0

logger = logging.getLogger(__name__)


class ExerciseConsumer(AsyncWebsocketConsumer):
    # No layer channel per socket (an alias that names no layer): live events come
    # through realtime.fanout, and the hold's timer through the inbox.
    channel_layer_alias = "parley.no-channel-per-socket"

    async def connect(self) -> None:
        self.exercise_id = int(self.scope["url_route"]["kwargs"]["exercise_id"])
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        token = query.get("token", [""])[0]
        after = query.get("after", ["0"])[0]
        # str.isdigit() admits "²", which int() refuses: ASCII digits only, within bigint.
        self.last_sent = int(after) if SEQ.fullmatch(after) and int(after) <= LARGEST_ID else -1
        self.group: str | None = None
        self.held: dict[int, dict] = {}  # live events waiting for an earlier one, by seq
        self.hold_timer: asyncio.Task | None = None
        self.holds = 0  # numbers the timers, so that a cancelled one's message is ignored
        self.hold_since = 0.0
        self.inbox: Inbox = Inbox()
        self.forwarding: asyncio.Task | None = None
        self.fanout = fanout()

        ticket = query.get("ticket", [""])[0]
        if ticket:  # stands for a token, which then stays out of the URL
            token = await database_sync_to_async(tickets.redeem)(ticket, self.exercise_id) or ""
        caller, by_session = (None, False) if ticket and not token else await self._caller(token)
        await self.accept()
        if caller is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if self.last_sent < 0:
            await self.close(code=CLOSE_BAD_REQUEST)
            return
        if by_session and not origin_allowed(self.scope):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.exercise = await database_sync_to_async(Exercise.objects.filter(pk=self.exercise_id).first)()
        # A staff user not assigned to the exercise is told it does not exist, as for an id never used.
        if self.exercise is None or (caller.is_staff and not await self._assigned(caller)):
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
        # Live messages wait in the inbox until the replay is sent.
        await self.fanout.join(self.group, self.inbox)
        await database_sync_to_async(presence.joined)(self.exercise_id, self.audience)
        await self._send_from_log()
        self.forwarding = asyncio.create_task(self._forward())

    async def _assigned(self, caller: Caller) -> bool:
        try:
            await database_sync_to_async(staffing.caller_on)(caller, self.exercise_id)
        except NotFound:
            return False
        return True

    async def _caller(self, token: str) -> tuple[Caller | None, bool]:
        return await database_sync_to_async(caller_from_scope)(self.scope, token)

    async def disconnect(self, code: int) -> None:
        if self.hold_timer is not None:
            self.hold_timer.cancel()
        if self.forwarding is not None:
            self.forwarding.cancel()
        if self.group:
            await self.fanout.leave(self.group, self.inbox)
            await database_sync_to_async(presence.left)(self.exercise_id, self.audience)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.close(code=CLOSE_BAD_REQUEST)

    async def _forward(self) -> None:
        """The inbox's messages, one after another: live events and the hold's timer.

        Not through Channels' dispatch, which would hop to the database thread for each
        (the handlers here reach the database only through database_sync_to_async).
        """
        handlers = {"event.message": self.event_message, "hold.expired": self.hold_expired}
        try:
            while True:
                message = await self.inbox.get()
                await handlers[message["type"]](message)
        except asyncio.CancelledError:
            raise
        except OSError:  # the client went away (uvicorn's ClientDisconnected): its disconnect follows
            return
        except Exception:  # as an exception in a Channels handler would, it ends the socket
            logger.exception("exercise %s socket: forwarding failed", self.exercise_id)
            await self.close()

    async def event_message(self, message: dict) -> None:
        if message["seq"] <= self.last_sent:
            return
        # prev below what was sent is no gap: a socket that resumed after a seq the team
        # never saw starts past the team's own previous event.
        if message["prev"] > self.last_sent:
            self.held[message["seq"]] = message
            if self.hold_timer is None:
                self.holds += 1
                self.hold_since = asyncio.get_running_loop().time()
                self.hold_timer = asyncio.create_task(self._hold_expires(self.holds))
            elif asyncio.get_running_loop().time() - self.hold_since >= HOLD_SECONDS:
                # The timer is late (a busy loop) or never fired: do not wait on it.
                await self._heal_held()
            return
        await self._send_live(message)
        await self._send_held()

    async def hold_expired(self, message: dict) -> None:
        """The earlier events did not come live: read them, and what was held, from the log."""
        if message["hold"] == self.holds and self.hold_timer is not None:
            await self._heal_held()

    async def _heal_held(self) -> None:
        if self.hold_timer is not None:
            self.hold_timer.cancel()
            self.hold_timer = None
        if self.held:
            await self._send_from_log(before=max(self.held) + 1)
            await self._send_held()

    async def _hold_expires(self, hold: int) -> None:
        # Through the inbox, so that it is handled between events, in turn.
        await asyncio.sleep(HOLD_SECONDS)
        self.inbox.put_nowait({"type": "hold.expired", "hold": hold})

    async def _send_held(self) -> None:
        """Every held event the socket has now caught up with, in seq order."""
        for seq in sorted(self.held):
            message = self.held[seq]
            if seq > self.last_sent and message["prev"] > self.last_sent:
                return
            del self.held[seq]
            if seq > self.last_sent:
                await self._send_live(message)
        if self.hold_timer is not None:
            self.hold_timer.cancel()
            self.hold_timer = None

    async def _send_live(self, message: dict) -> None:
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
