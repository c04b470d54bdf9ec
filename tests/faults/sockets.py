"""Pages following an exercise over its socket, as static/js/exercise-socket.js does: a
session cookie and the page's Origin, and on a dropped connection a new one that resumes
with ``after=`` the last seq received. Every frame is kept, duplicates included, for the
test to judge; they run on an event loop of their own, in a thread."""

import asyncio
import json
import threading
from collections.abc import Coroutine
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from tests.processes import Server

# The browser waits longer, with backoff; the test only needs it not to spin.
RECONNECT_SECONDS = 0.1


class Follower:
    def __init__(self, name: str, server: Server, exercise_id: int, session: str) -> None:
        self.name = name
        self.server = server
        self.exercise_id = exercise_id
        self.session = session
        self.frames: list[dict[str, Any]] = []
        self.connections = 0
        self.client_port: int | None = None  # of the connection open now

    @property
    def last_seq(self) -> int:
        return self.frames[-1]["seq"] if self.frames else 0

    async def follow(self) -> None:
        while True:
            url = self.server.url(f"/ws/exercises/{self.exercise_id}/?after={self.last_seq}", scheme="ws")
            try:
                async with connect(
                    url,
                    origin=self.server.url(""),
                    additional_headers={"Cookie": f"sessionid={self.session}"},
                    open_timeout=10,
                ) as socket:
                    self.connections += 1
                    self.client_port = socket.local_address[1]
                    async for text in socket:
                        self.frames.append(json.loads(text))
            except (OSError, TimeoutError, WebSocketException):
                pass
            self.client_port = None
            await asyncio.sleep(RECONNECT_SECONDS)


class Followers:
    """Runs followers until stopped."""

    def __init__(self, followers: list[Follower]) -> None:
        self.followers = followers
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.tasks: list[asyncio.Task] = []

    def __enter__(self) -> list[Follower]:
        self.thread.start()
        self._run(self._start())
        return self.followers

    def __exit__(self, *exc: object) -> None:
        self._run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    async def _start(self) -> None:
        self.tasks = [asyncio.create_task(follower.follow()) for follower in self.followers]

    async def _stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
