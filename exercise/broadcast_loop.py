"""An event loop of the process's own for broadcasts made from plain sync code.

Called from a thread that Django's sync_to_async started (a request under uvicorn),
``async_to_sync`` runs the broadcast on the server's loop. Called from anywhere else (Celery's
worker releasing an inject), it makes a fresh event loop, and with it a fresh channel layer
and Redis connection, for every broadcast: about 11 ms each, measured here (docs/benchmarks.md),
spent before the first socket hears of the event. Such callers run the broadcast on one loop
per process instead, kept in a daemon thread, whose layer keeps its connection.
"""

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from asgiref.sync import SyncToAsync, async_to_sync

T = TypeVar("T")

_lock = threading.Lock()
_loops: dict[int, asyncio.AbstractEventLoop] = {}  # by process id: a forked child makes its own


def run(function: Callable[..., Awaitable[T]], *args: Any, own_loop: bool = True) -> T:
    """``await function(*args)`` from sync code; on the process's loop unless a server's loop
    is there to use, or ``own_loop`` is false (a layer bound to one loop, as the in-memory one)."""
    if not own_loop or _server_loop_here():
        return async_to_sync(function)(*args)
    return asyncio.run_coroutine_threadsafe(function(*args), _loop()).result()  # type: ignore[arg-type]


def _server_loop_here() -> bool:
    """Whether async_to_sync would run on a server's loop from this thread (asgiref's own test)."""
    local = SyncToAsync.threadlocal
    loop = getattr(local, "main_event_loop", None)
    return getattr(local, "main_event_loop_pid", None) == os.getpid() and loop is not None and loop.is_running()


def _loop() -> asyncio.AbstractEventLoop:
    pid = os.getpid()
    with _lock:
        loop = _loops.get(pid)
        if loop is None:
            loop = _loops[pid] = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="parley-broadcasts", daemon=True).start()
    return loop
