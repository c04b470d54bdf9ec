"""Many WebSocket clients in one asyncio process, each frame stamped with its receipt time.

Frames are kept as received text and parsed after the run, so the only per-frame work in
the hot path is one clock read and one list append. Clients offer permessage-deflate by
default, as browsers do; the server decides whether it is used.
"""

import asyncio
import contextlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from bench.fanout import analysis


@dataclass
class Client:
    group: str  # the team key (or bare group) whose events this socket should receive
    url: str
    started: float = 0.0  # wall time the connection attempt began
    connect_seconds: float | None = None  # from the TCP connect to the end of the handshake
    error: str | None = None
    frames: list[tuple[float, str]] = field(default_factory=list)
    socket: ClientConnection | None = None


class Fleet:
    """Opens every client, reads all of them until closed, and waits for expected frames."""

    def __init__(self, clients: list[Client], *, compression: bool, open_timeout: float = 120) -> None:
        self.clients = clients
        self.compression = "deflate" if compression else None
        self.open_timeout = open_timeout
        self.connect_wall_seconds = 0.0
        self._tasks: list[asyncio.Task] = []

    async def open(self, concurrency: int) -> None:
        """Connect every client, at most ``concurrency`` handshakes in flight at once."""
        gate = asyncio.Semaphore(concurrency)
        settled = [asyncio.get_running_loop().create_future() for _ in self.clients]
        start = time.perf_counter()
        self._tasks = [
            asyncio.create_task(self._run(client, gate, done))
            for client, done in zip(self.clients, settled, strict=True)
        ]
        await asyncio.gather(*settled)
        self.connect_wall_seconds = time.perf_counter() - start

    async def _run(self, client: Client, gate: asyncio.Semaphore, settled: asyncio.Future) -> None:
        async with gate:
            client.started = time.time()
            start = time.perf_counter()
            try:
                client.socket = await connect(
                    client.url,
                    compression=self.compression,
                    open_timeout=self.open_timeout,
                    ping_interval=None,  # browsers answer pings but send none
                    max_queue=None,  # never hold the server back on our side
                    max_size=None,
                )
            except Exception as exc:  # a refused or timed-out handshake is a result, not a crash
                client.error = f"connect: {exc!r}"
            else:
                client.connect_seconds = time.perf_counter() - start
            settled.set_result(None)
        if client.socket is None:
            return
        try:
            async for text in client.socket:
                client.frames.append((time.time(), text))
        except ConnectionClosed as exc:
            client.error = f"closed: {exc!r}"

    async def wait_for(self, expected: Callable[[Client], int], *, timeout: float, quiet: float) -> bool:
        """Until every client holds ``expected(client)`` frames; gives up after ``quiet`` seconds
        without a new frame anywhere, or after ``timeout``. True when everything arrived."""
        deadline = time.monotonic() + timeout
        last_total, last_change = -1, time.monotonic()
        while time.monotonic() < deadline:
            if all(len(client.frames) >= expected(client) for client in self.clients):
                return True
            total = self.frame_count()
            if total != last_total:
                last_total, last_change = total, time.monotonic()
            elif time.monotonic() - last_change > quiet:
                return False
            await asyncio.sleep(0.1)
        return False

    async def close(self) -> None:
        open_sockets = [client.socket for client in self.clients if client.socket is not None]
        await asyncio.gather(*(socket.close() for socket in open_sockets), return_exceptions=True)
        for task in self._tasks:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def connect_figures(self, ready_frames: int) -> dict[str, float]:
        """Handshake times, and times until ``ready_frames`` frames had arrived: the server
        sends those only once the socket is subscribed and live (a replay, or a hello)."""
        handshakes = [client.connect_seconds for client in self.clients if client.connect_seconds is not None]
        ready = [c.frames[ready_frames - 1][0] - c.started for c in self.clients if len(c.frames) >= ready_frames]
        first_start = min(client.started for client in self.clients)
        last_ready = max(
            (c.frames[ready_frames - 1][0] for c in self.clients if len(c.frames) >= ready_frames), default=0
        )
        return {
            "p50": analysis.percentile(handshakes, 50) * 1000 if handshakes else math.nan,
            "p99": analysis.percentile(handshakes, 99) * 1000 if handshakes else math.nan,
            "total_s": self.connect_wall_seconds,
            "failed": len(self.clients) - len(handshakes),
            "ready_p50": analysis.percentile(ready, 50) * 1000 if ready else math.nan,
            "ready_p99": analysis.percentile(ready, 99) * 1000 if ready else math.nan,
            "ready_s": last_ready - first_start,
            "not_ready": len(self.clients) - len(ready),
        }

    def frame_count(self) -> int:
        return sum(len(client.frames) for client in self.clients)

    def parsed(self) -> list[tuple[Client, list[analysis.Frame]]]:
        return [(client, [analysis.parse(at, text) for at, text in client.frames]) for client in self.clients]
