"""Driving the exercise socket in tests through Channels' WebsocketCommunicator."""

import json

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
