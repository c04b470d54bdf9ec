"""Driving the exercise socket in tests through Channels' WebsocketCommunicator."""

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application


async def open_socket(
    exercise_id: int, *, token: str = "", after: int | str = 0, headers=None
) -> WebsocketCommunicator:
    query = f"?token={token}&after={after}" if token else f"?after={after}"
    socket = WebsocketCommunicator(application, f"/ws/exercises/{exercise_id}/{query}", headers=headers or [])
    connected, _ = await socket.connect(timeout=5)
    assert connected
    return socket


async def receive_until(socket: WebsocketCommunicator, seq: int, timeout: float = 5) -> list[dict]:
    """Frames until one with ``seq`` or later arrives."""
    frames: list[dict] = []
    while not frames or frames[-1]["seq"] < seq:
        frames.append(json.loads(await socket.receive_from(timeout=timeout)))
    return frames


async def receive_close(socket: WebsocketCommunicator) -> int:
    message = await socket.receive_output(timeout=5)
    assert message["type"] == "websocket.close", f"expected a close, got {message}"
    return message.get("code", 1000)


@contextlib.asynccontextmanager
async def database_thread_held() -> AsyncIterator[None]:
    """The consumers' database thread (one a process) kept busy until the block ends, so
    that what the sockets ask of it meanwhile queues, as in a reconnect storm."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        held.set()
        release.wait(30)

    holding = asyncio.ensure_future(database_sync_to_async(hold)())
    await asyncio.to_thread(held.wait, 30)
    try:
        yield
    finally:
        release.set()
        await holding
