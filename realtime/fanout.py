"""One channel-layer subscription per group per server process, shared by its sockets.

Channels gives every socket a layer channel of its own: each live event is then decoded
once per socket, wakes a receive task per socket, and passes Channels' dispatch, which
hops to the one database thread (``aclose_old_connections``) before every handler. With
a thousand sockets in a process that thread hop, queued behind every other socket's,
dominated the fan-out. Here the process subscribes once per group, decodes each event
once, and puts the same message into the inbox of every local socket in the group; each
socket's messages are handled from its inbox in order (realtime.consumers). A socket's
inbox has no capacity, as the pub/sub layer's channels had none, so nothing is dropped here.

Messages must name their group (``"group"``), as exercise.events.send_all does: the
process's one channel receives every group it is in, and routes by that name alone.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

Handler = Callable[[dict], Awaitable[bool]]


class Inbox:
    """One socket's messages (layer messages, shared between sockets: read, never changed),
    handled one at a time in arrival order once started.

    A task runs only while messages wait: a socket's own queue and a task waiting on it
    cost about 4.5 KB each, most sockets are idle most of the time, and a process holds
    thousands of them (docs/benchmarks.md).
    """

    __slots__ = ("_handle", "_pending", "_task")

    def __init__(self) -> None:
        self._handle: Handler | None = None
        self._pending: list[dict] = []
        self._task: asyncio.Task | None = None

    def put_nowait(self, message: dict) -> None:
        self._pending.append(message)
        if self._handle is not None and self._task is None:
            self._task = asyncio.create_task(self._drain())

    def start(self, handle: Handler) -> None:
        """From now on each message, those waiting first, goes to ``handle``, which answers
        whether to go on: after a False no message is handled any more."""
        self._handle = handle
        if self._pending and self._task is None:
            self._task = asyncio.create_task(self._drain())

    def stop(self) -> None:
        self._handle = None
        self._pending = []
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _drain(self) -> None:
        try:
            while self._pending and self._handle is not None:
                batch, self._pending = self._pending, []
                for message in batch:
                    if self._handle is None or not await self._handle(message):
                        self._handle = None
                        self._pending = []
                        return
        finally:
            if self._task is asyncio.current_task():
                self._task = None


class Fanout:
    """The subscriptions of one event loop on one channel layer."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.members: dict[str, set[Inbox]] = {}
        self.subscribed: set[str] = set()
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        # Subscribing and unsubscribing in turn, so a group is never left half-joined.
        self.lock = asyncio.Lock()

    async def join(self, group: str, inbox: Inbox) -> None:
        """From when this returns, every message sent to ``group`` reaches ``inbox``."""
        self.members.setdefault(group, set()).add(inbox)
        if group in self.subscribed:
            return
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel()
                self.task = asyncio.create_task(self._forward(self.channel))
            if group not in self.subscribed and self.members.get(group):
                await self.layer.group_add(group, self.channel)
                self.subscribed.add(group)

    async def leave(self, group: str, inbox: Inbox) -> None:
        members = self.members.get(group)
        if members is None:
            return
        members.discard(inbox)
        if members:
            return
        async with self.lock:
            if self.members.get(group):  # someone joined meanwhile
                return
            self.members.pop(group, None)
            if group in self.subscribed:
                self.subscribed.discard(group)
                await self.layer.group_discard(group, self.channel)
            if not self.members:
                self._stop()

    def _stop(self) -> None:
        """The last socket left: the next join subscribes afresh (and the loop may end)."""
        if self.task is not None:
            self.task.cancel()
        self.task = None
        self.channel = None
        self.subscribed.clear()

    async def _forward(self, channel: str) -> None:
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer heals itself, and sockets heal gaps from the log
                logger.warning("live events: the channel layer failed to deliver", exc_info=True)
                await asyncio.sleep(0.5)
                continue
            for inbox in self.members.get(message.get("group", ""), ()):
                inbox.put_nowait(message)


_fanouts: dict[asyncio.AbstractEventLoop, Fanout] = {}


def fanout() -> Fanout:
    """This event loop's fan-out, on the channel layer now configured."""
    loop = asyncio.get_running_loop()
    layer = get_channel_layer()
    current = _fanouts.get(loop)
    if current is None or current.layer is not layer:
        for old in [old for old in _fanouts if old.is_closed()]:
            del _fanouts[old]
        current = _fanouts[loop] = Fanout(layer)
    return current
