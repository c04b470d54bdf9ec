"""The exercise socket. Thin: it authenticates (realtime.admission, with the sockets
asking at the same moment), subscribes, replays (a page at a time, each read shared by
the sockets of the audience waiting on it: realtime.shared_reads) and forwards.

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
from itertools import islice
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import DatabaseError

from exercise import presence
from exercise.commands import LARGEST_ID
from exercise.envelopes import to_json, visible_after
from exercise.models import Team
from realtime import admission
from realtime.fanout import Inbox, fanout
from realtime.shared_reads import SharedReads

CLOSE_BAD_REQUEST = admission.CLOSE_BAD_REQUEST
SEQ = re.compile(r"[0-9]{1,19}")
FIRST_RETRY_SECONDS = 0.5
# How long an event waits for the one before it before the log is read instead. Crossed
# broadcasts arrive within a few milliseconds of each other; a dropped one never does.
HOLD_SECONDS = 0.1
LAST_RETRY_SECONDS = 5.0
# Events per read of the log: a socket further behind reads its next page while it sends
# one, so a long replay is never held in memory whole. Measured with bench/catchup, pages
# of 50 then 250 made a catch-up of 1,000 events slower than one read (docs/benchmarks.md).
PAGE = 1000

logger = logging.getLogger(__name__)


class ExerciseConsumer(AsyncWebsocketConsumer):
    # No layer channel per socket (an alias that names no layer): live events come
    # through realtime.fanout, and the hold's timer through the inbox.
    channel_layer_alias = "parley.no-channel-per-socket"

    async def dispatch(self, message: dict) -> None:
        """As Channels' own, less its trip to the database thread before every message to
        close stale connections: this consumer's database work runs in
        database_sync_to_async, which closes them around itself, and that one thread
        serves every socket of the process (a storm of connects queued on it)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

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
        self.inbox = Inbox()
        self.fanout = fanout()

        request = admission.Request(
            scope=self.scope,
            exercise_id=self.exercise_id,
            token=token,
            ticket=query.get("ticket", [""])[0],
            after_valid=self.last_sent >= 0,
        )
        admitted = await admission.admissions(request)
        await self.accept()
        if not isinstance(admitted, admission.Admitted):
            await self.close(code=admitted)
            return
        self.team, self.group, self.audience = admitted.team, admitted.group, admitted.audience
        # Subscribe before reading the log: an event committed in between then arrives
        # both ways, and the duplicate is dropped by seq, instead of not arriving at all.
        # Live messages wait in the inbox until the replay is sent.
        try:
            await self.fanout.join(self.group, self.inbox)
        except BaseException:
            await database_sync_to_async(presence.left)(self.exercise_id, self.audience)
            self.group = None
            raise
        await self._send_from_log()
        self.inbox.start(self._forward)

    async def disconnect(self, code: int) -> None:
        if self.hold_timer is not None:
            self.hold_timer.cancel()
        self.inbox.stop()
        if self.group:
            await self.fanout.leave(self.group, self.inbox)
            await database_sync_to_async(presence.left)(self.exercise_id, self.audience)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.close(code=CLOSE_BAD_REQUEST)

    async def _forward(self, message: dict) -> bool:
        """One message of the inbox, in turn: a live event or the hold's timer. Whether to
        go on forwarding.

        Not through Channels' dispatch, which would hop to the database thread for each
        (the handlers here reach the database only through database_sync_to_async).
        """
        try:
            if message["type"] == "hold.expired":
                await self.hold_expired(message)
            else:
                await self.event_message(message)
        except asyncio.CancelledError:
            raise
        except OSError:  # the client went away (uvicorn's ClientDisconnected): its disconnect follows
            return False
        except Exception:  # as an exception in a Channels handler would, it ends the socket
            logger.exception("exercise %s socket: forwarding failed", self.exercise_id)
            await self.close()
            return False
        return True

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
        await self._send_frame(message["text"])
        self.last_sent = message["seq"]

    async def _send_frame(self, text: str) -> None:
        # Straight to the server, past the consumer's wrappers of send, which add nothing
        # to a text frame but their cost, paid for every frame of a replay or a fan-out.
        await self.base_send({"type": "websocket.send", "text": text})

    async def _send_from_log(self, before: int | None = None) -> None:
        """The log's events after the last sent (and before ``before``), a page at a time:
        the next page is read while this one is sent, so that a socket far behind starts
        receiving at once, and the client reads while the server still reads the log."""
        page, more = await self._read_log_patiently(self.last_sent, None, before, PAGE)
        while True:
            following = None
            if more:
                last = page[-1][0]  # visible to the audience: the next page's first prev
                following = asyncio.ensure_future(self._read_log_patiently(last, last, before, PAGE))
            try:
                for seq, text in page:
                    await self._send_frame(text)
                    self.last_sent = seq
            except BaseException:
                if following is not None:
                    following.cancel()
                raise
            if following is None:
                return
            page, more = await following

    async def _read_log_patiently(
        self, after: int, prev: int | None, before: int | None, size: int
    ) -> tuple[list[tuple[int, str]], bool]:
        """A page of the log's frames, however long the database takes to answer.

        Under overload a read can wait past the connection pool's timeout. Giving up would
        close the socket, and every client reconnecting would add to the load; instead the
        socket retries, and live events wait behind it in order.
        """
        team = self.team
        # The audience's own key: a read is shared only by sockets that see the same events.
        key = (self.exercise_id, None if team is None else team.pk, after, before, size)
        pause = FIRST_RETRY_SECONDS
        while True:
            try:
                return await shared_reads.read(key, lambda: read_log(self.exercise_id, team, after, prev, before, size))
            except DatabaseError:
                logger.warning("exercise %s socket: reading the log failed; retrying", self.exercise_id, exc_info=True)
            await asyncio.sleep(pause)
            pause = min(pause * 2, LAST_RETRY_SECONDS)


def read_log(
    exercise_id: int, team: Team | None, after: int, prev: int | None, before: int | None, size: int
) -> tuple[list[tuple[int, str]], bool]:
    """A page of at most ``size`` frames of the events the audience sees after ``after``
    (and before ``before``), and whether more follow; ``prev``, when known, is the last of
    them at or before ``after``.

    One event more than the page is read to tell: a full page would otherwise cost a
    second read, empty when the log ends there, run while the page is sent and competing
    with the sending for the interpreter."""
    events = visible_after(exercise_id, team, after, before=before, limit=size + 1, prev=prev)
    frames = [(item["seq"], to_json(item)) for item in islice(events, size)]
    return frames, next(events, None) is not None


# One per process, as the database thread it queues work on.
shared_reads = SharedReads()
