"""Reads of the event log shared by the sockets waiting on the same one.

When a server restarts, or a lecture hall's network blips, every socket reconnects at
once, and the sockets of a team resume from the same seq: the same read, a thousand
times over, queued on the one thread that runs the consumers' database work. Here the
sockets asking for the same read (one key: the exercise, the audience, and the range)
while it is still waiting to start share it: one query, every waiter gets the frames.

A socket subscribes to its group before it asks, and may only share a read that has not
yet started: whatever the read returns then includes every event committed before the
socket subscribed, and what came after arrives live as well (the consumer drops the
second copy by seq). A read that has started is closed to newcomers, who wait for the
next one. The key names the audience (a team's id, or staff), so no read is ever shared
between audiences that see different events.
"""

import asyncio
import threading
from collections.abc import Callable, Hashable
from typing import Any

from channels.db import database_sync_to_async


class SharedReads:
    def __init__(self) -> None:
        self._waiting: dict[Hashable, tuple[asyncio.AbstractEventLoop, asyncio.Future]] = {}
        # Taken on the event loop to join a read and on the database thread to start it.
        self._lock = threading.Lock()
        self._running: set[asyncio.Task] = set()

    async def read(self, key: Hashable, read: Callable[[], Any]) -> Any:
        """``read()``'s result, run on the database thread once for every caller that asks
        with ``key`` before it starts. Its exception, if it raises, goes to all of them."""
        loop = asyncio.get_running_loop()
        with self._lock:
            waiting = self._waiting.get(key)
            if waiting is None or waiting[0] is not loop:
                future: asyncio.Future = loop.create_future()
                # Retrieved here too, so that a failure every waiter left behind is not reported.
                future.add_done_callback(lambda done: done.cancelled() or done.exception())
                self._waiting[key] = (loop, future)
                first = True
            else:
                future, first = waiting[1], False
        if first:
            # A task of its own, so that the first caller going away does not cancel the read
            # the others wait on.
            task = loop.create_task(self._run(key, future, read))
            self._running.add(task)  # the loop keeps only a weak reference
            task.add_done_callback(self._running.discard)
        # Shielded likewise: a waiter cancelled (its socket closed) leaves the read alone.
        return await asyncio.shield(future)

    async def _run(self, key: Hashable, future: asyncio.Future, read: Callable[[], Any]) -> None:
        def started() -> Any:
            with self._lock:
                if self._waiting.get(key, (None, None))[1] is future:
                    del self._waiting[key]
            return read()

        try:
            result = await database_sync_to_async(started)()
        except BaseException as exc:  # every waiter sees it and retries as it would alone
            with self._lock:  # never started (cancelled on the way): close it all the same
                if self._waiting.get(key, (None, None))[1] is future:
                    del self._waiting[key]
            if not future.done():
                future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
        else:
            if not future.done():
                future.set_result(result)
